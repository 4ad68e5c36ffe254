-- Issue 16: SCIM creates that arrive together are now written as one statement (storage.WriteBatches),
-- and such a statement may hold accounts of several organizations. The insert trigger (V105) adds
-- to one shard row per organization, all of the transaction's shard (txid % 256). Two batches whose
-- transactions fall on the same shard, and that share two organizations, could take those rows in
-- opposite orders (a grouped query's output has no order) and deadlock; PostgreSQL would end one
-- after deadlock_timeout. The rows are now taken in organization order, so they wait instead.
-- The delete trigger too, for a hand-written delete over several organizations.
create or replace function managed_accounts_counted_insert() returns trigger language plpgsql as $$
begin
    insert into org_account_counts as c (org_id, shard, linked)
    select org_id, (txid_current() % 256)::smallint, count(*) from new_rows where scim_id is not null
     group by org_id order by org_id
    on conflict (org_id, shard) do update set linked = c.linked + excluded.linked;
    return null;
end $$;

create or replace function managed_accounts_counted_delete() returns trigger language plpgsql as $$
begin
    insert into org_account_counts as c (org_id, shard, linked)
    select org_id, (txid_current() % 256)::smallint, -count(*) from old_rows where scim_id is not null
     group by org_id order by org_id
    on conflict (org_id, shard) do update set linked = c.linked + excluded.linked;
    return null;
end $$;
