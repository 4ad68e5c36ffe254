-- co / sw / ew searches start with the organization: without org_id in the trigram index, a small
-- organization's "co smith" had to recheck every match of every other organization first
-- (bench/million: 14,203 candidates to return 13). btree_gin (trusted, PostgreSQL 13+) lets a
-- GIN index hold the uuid next to the trigrams.
create extension if not exists btree_gin;

drop index managed_accounts_email_trgm;
drop index managed_accounts_display_name_trgm;
create index managed_accounts_email_trgm on managed_accounts
    using gin (org_id, lower(email) gin_trgm_ops) where scim_id is not null;
create index managed_accounts_display_name_trgm on managed_accounts
    using gin (org_id, lower(display_name) gin_trgm_ops) where scim_id is not null;
