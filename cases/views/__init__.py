"""Pages of the case file, split by subdomain: `queue` (review queue, log review, officers'
feedback), `cases` (case list and page), `people` (merging person records), `feed` (feed
imports). Every sensitive object is fetched through its door in `cases.permissions`."""
