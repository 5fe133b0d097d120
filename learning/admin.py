"""Learning records are kept through the pages (and their doors), not the admin."""
