"""Legal pages, split by subdomain: files (and the solicitor's page, hearings) and orders."""
