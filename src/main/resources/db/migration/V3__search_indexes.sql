-- Indexes behind SCIM filters and sorting (RFC 7644 §3.4.2), so a query's cost depends on what
-- it returns, not on how many accounts the organization has.

-- co / sw / ew on userName and displayName: trigram indexes answer LIKE '%x%' without a scan.
-- pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
create extension if not exists pg_trgm;
create index managed_accounts_email_trgm on managed_accounts using gin (lower(email) gin_trgm_ops) where scim_id is not null;
create index managed_accounts_display_name_trgm on managed_accounts using gin (lower(display_name) gin_trgm_ops) where scim_id is not null;

-- sortBy and cursor pages: each index matches the ORDER BY (and keyset comparison) that
-- AccountStore.searchLinked writes for that sort key, seq breaking ties.
create index managed_accounts_sort_username on managed_accounts (org_id, lower(email), seq) where scim_id is not null;
create index managed_accounts_sort_display_name on managed_accounts
    (org_id, (lower(display_name) is null), coalesce(lower(display_name), ''), seq) where scim_id is not null;
create index managed_accounts_sort_created on managed_accounts (org_id, scim_created_at, seq) where scim_id is not null;
create index managed_accounts_sort_modified on managed_accounts (org_id, updated_at, seq) where scim_id is not null;
