-- The console's "Managed accounts" list (console/AccountsScreen): every account of one
-- organization, linked or not, ordered by lower-cased email and paged by keyset, optionally
-- narrowed to one status and to an email prefix. The existing (org_id, lower(email)) index uses
-- the database collation, whose order is not byte order, so a prefix cannot be turned into a
-- range on it; with collate "C" the prefix "ann" is the range ["ann", "ann" || U+10FFFF), and
-- the same index gives the page order, so a page costs its own rows at a million accounts.
create index managed_accounts_browse on managed_accounts (org_id, (lower(email) collate "C"), seq);
-- The same with a status filter ("show disabled accounts", then search among them).
create index managed_accounts_browse_status on managed_accounts (org_id, status, (lower(email) collate "C"), seq);
