"""Training pages, split by subdomain: programme (courses, sessions, registers, certificates),
teams (rosters, people, requirements), compliance, staff (mine, CPD, champions)."""
