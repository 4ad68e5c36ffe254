-- Issue 16: every insert into managed_accounts wrote 20 indexes, and every SCIM update (it always
-- moves updated_at, so it is never a HOT update) wrote them all again. Three of them duplicated
-- another index for the queries that used them; docs/performance.md "Which index serves which
-- query" lists every query over managed_accounts and the index behind it after this migration.

-- (org_id, lower(email)) over every account: the lookups by email (sign-in, the disabled account a
-- create re-attaches, the Directory API's email filter) now say lower(email) collate "C" = ...,
-- a range of managed_accounts_browse (org_id, lower(email) collate "C", seq) or of
-- managed_accounts_browse_status; equality is the same in both collations (byte equality).
drop index if exists managed_accounts_email;

-- (org_id, lower(email), seq) where linked: userName is unique among linked accounts, so
-- managed_accounts_username_key (org_id, lower(email)) where linked gives the same order, and the
-- SCIM search orders a unique key without seq (AccountQuery.SortKey.unique); userName eq is an
-- index condition on it too.
drop index if exists managed_accounts_sort_username;

-- (org_id, updated_at, seq) where linked: managed_accounts_directory (org_id, updated_at, seq),
-- the same over every account, serves SCIM's meta.lastModified sort and comparisons; the
-- unlinked accounts in its range (disabled, invalidated) are skipped by a filter.
drop index if exists managed_accounts_sort_modified;
