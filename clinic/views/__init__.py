"""The clinic's pages, split by subdomain: referrals, meetings (schedules, invitees,
invitations), agenda (allocation, publishing, research, discussion, minutes, packs), actions."""
