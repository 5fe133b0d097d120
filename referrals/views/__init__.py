"""Pages, split by subdomain: referrals, casework, advice requests."""
