"""Writes of the training app, split by subdomain: programme (courses, sessions, bookings),
people (matching, teams, requirements), registers, rosters, staff (champions, CPD)."""
