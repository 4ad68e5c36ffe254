-- How many accounts each organization's IdP manages, kept by triggers so an unfiltered SCIM
-- list can answer totalResults without counting a million rows (RFC 7644 §3.4.2 wants it exact).
--
-- Sixteen rows per organization, so concurrent creates rarely wait on the same row; a
-- transaction always uses one shard (txid % 16), so two statements of one transaction never
-- lock two shards in an order another transaction could reverse. Statement-level triggers with
-- transition tables: a COPY of a million rows is one update, not a million.
create table org_account_counts (
    org_id  uuid not null references organizations (id) on delete cascade,
    shard   smallint not null,
    linked  bigint not null default 0,
    primary key (org_id, shard)
);

insert into org_account_counts (org_id, shard, linked)
select org_id, 0, count(*) from managed_accounts where scim_id is not null group by org_id;

create function managed_accounts_counted_insert() returns trigger language plpgsql as $$
begin
    insert into org_account_counts as c (org_id, shard, linked)
    select org_id, (txid_current() % 16)::smallint, count(*) from new_rows where scim_id is not null group by org_id
    on conflict (org_id, shard) do update set linked = c.linked + excluded.linked;
    return null;
end $$;

create function managed_accounts_counted_update() returns trigger language plpgsql as $$
begin
    insert into org_account_counts as c (org_id, shard, linked)
    select org_id, (txid_current() % 16)::smallint, sum(d) from (
        select org_id, 1 as d from new_rows where scim_id is not null
        union all
        select org_id, -1 as d from old_rows where scim_id is not null) changes
    group by org_id having sum(d) <> 0
    on conflict (org_id, shard) do update set linked = c.linked + excluded.linked;
    return null;
end $$;

create function managed_accounts_counted_delete() returns trigger language plpgsql as $$
begin
    insert into org_account_counts as c (org_id, shard, linked)
    select org_id, (txid_current() % 16)::smallint, -count(*) from old_rows where scim_id is not null group by org_id
    on conflict (org_id, shard) do update set linked = c.linked + excluded.linked;
    return null;
end $$;

create trigger managed_accounts_count_insert after insert on managed_accounts
    referencing new table as new_rows for each statement execute function managed_accounts_counted_insert();
create trigger managed_accounts_count_update after update on managed_accounts
    referencing old table as old_rows new table as new_rows for each statement execute function managed_accounts_counted_update();
create trigger managed_accounts_count_delete after delete on managed_accounts
    referencing old table as old_rows for each statement execute function managed_accounts_counted_delete();
