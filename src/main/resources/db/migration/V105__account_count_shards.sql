-- Issue 16: with 16 shards, 16 concurrent creates in one organization found their shard row
-- locked by another uncommitted create more often than not (1 - (15/16)^15 = 62 %), so creates
-- waited on each other's commit (an fsync). 256 shards make that about 6 %; the unfiltered
-- count still sums at most 256 small rows of one organization (primary key range).
-- Same rule as V4: a transaction uses one shard (txid % 256), so two transactions never take
-- two shard rows in opposite orders.
create or replace function managed_accounts_counted_insert() returns trigger language plpgsql as $$
begin
    insert into org_account_counts as c (org_id, shard, linked)
    select org_id, (txid_current() % 256)::smallint, count(*) from new_rows where scim_id is not null group by org_id
    on conflict (org_id, shard) do update set linked = c.linked + excluded.linked;
    return null;
end $$;

create or replace function managed_accounts_counted_update() returns trigger language plpgsql as $$
begin
    insert into org_account_counts as c (org_id, shard, linked)
    select org_id, (txid_current() % 256)::smallint, sum(d) from (
        select org_id, 1 as d from new_rows where scim_id is not null
        union all
        select org_id, -1 as d from old_rows where scim_id is not null) changes
    group by org_id having sum(d) <> 0
    on conflict (org_id, shard) do update set linked = c.linked + excluded.linked;
    return null;
end $$;

create or replace function managed_accounts_counted_delete() returns trigger language plpgsql as $$
begin
    insert into org_account_counts as c (org_id, shard, linked)
    select org_id, (txid_current() % 256)::smallint, -count(*) from old_rows where scim_id is not null group by org_id
    on conflict (org_id, shard) do update set linked = c.linked + excluded.linked;
    return null;
end $$;

-- managed_accounts_sign_in (V31) has exactly the definition of managed_accounts_email (V1),
-- (org_id, lower(email)): every insert and update maintained the same index twice.
drop index if exists managed_accounts_sign_in;
