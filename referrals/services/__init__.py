"""Writes, split by subdomain: `referrals` (the referral's life), `casework` (the ISAC
service's work with the victim), `advice` (advice requests and guidance)."""
