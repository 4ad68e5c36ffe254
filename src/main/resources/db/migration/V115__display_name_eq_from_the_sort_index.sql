-- Issue 16: every insert of an account and every SCIM update of one (none is HOT: each moves
-- updated_at, which indexes hold) adds an entry to each index of managed_accounts.
-- managed_accounts_display_name (org_id, lower(display_name)) where linked (V1) served only the
-- filter displayName eq; managed_accounts_sort_display_name (org_id, lower(display_name) is null,
-- coalesce(lower(display_name), ''), seq) where linked (the sortBy=displayName index) serves it as
-- well when the filter is written in its terms, which AccountColumns now does. Measured on
-- PostgreSQL 15 with 40,000 accounts (EXPLAIN (ANALYZE, BUFFERS, WAL), 200 rows a statement):
-- WAL records per insert 14.2 -> 13.1, per deactivating update 15.2 -> 14.2 (docs/performance.md).
drop index if exists managed_accounts_display_name;
