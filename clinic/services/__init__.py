"""Writes in the clinic, split by subdomain: `referrals`, `meetings` (schedules, invitees),
`agenda` (publishing and its shares, moving items, research), `minutes` (discussion,
decisions, actions, approval). Allocation lives in clinic/allocation.py."""
