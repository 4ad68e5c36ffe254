-- Issue 16: every create and every change of an account inserts an account_events row and, at
-- commit, a directory_events row; every deactivation inserts a safeguard_reservations row. Each of
-- them had a foreign key to organizations, and a foreign key is checked by a query per inserted
-- row that also takes a KEY SHARE lock on the organization's row. All of an organization's writers
-- lock that one row, so PostgreSQL turns its lockers into a multixact that each new locker copies
-- and extends. Measured with pgbench on PostgreSQL 15, 8 clients inserting one-row transactions
-- for one organization (synchronous_commit off, so the CPU shows): 14,400-15,200 rows/s with the
-- key, 17,000-20,300 without, about 0.03 ms of CPU per checked row (docs/performance.md).
--
-- The rows' organization is the one the request authenticated against, which exists (the
-- managed_accounts row written in the same transaction keeps its own key), and Lanyard never
-- deletes an organization. What the keys still did was ON DELETE CASCADE when an operator deletes
-- an organization by hand; a trigger does that now, for these three tables and for
-- provisioning_log, whose key V112 dropped for the same reason. It runs after the delete and its
-- cascades, so rows that the cascades' own triggers write for the organization go too.
alter table account_events drop constraint if exists account_events_org_id_fkey;
alter table directory_events drop constraint if exists directory_events_org_id_fkey;
alter table safeguard_reservations drop constraint if exists safeguard_reservations_org_id_fkey;

create or replace function organizations_deleted_rows() returns trigger language plpgsql as $$
begin
    delete from account_events where org_id = old.id;
    delete from directory_events where org_id = old.id;
    delete from safeguard_reservations where org_id = old.id;
    delete from provisioning_log where org_id = old.id;
    return null;
end $$;

drop trigger if exists organizations_deleted_rows on organizations;
create trigger organizations_deleted_rows after delete on organizations
    for each row execute function organizations_deleted_rows();

-- Deleting an organization by hand failed as soon as it had a linked account: the cascade deletes
-- its accounts, and two triggers on that delete then wrote rows for the organization just deleted
-- (a negative account count; a group's "member_removed" event), which their own keys refused.
-- They now write nothing for an organization that is gone (OrganizationDeletedByHandIT). Otherwise
-- as in V105 and V80.
create or replace function managed_accounts_counted_delete() returns trigger language plpgsql as $$
begin
    insert into org_account_counts as c (org_id, shard, linked)
    select org_id, (txid_current() % 256)::smallint, -count(*) from old_rows
     where scim_id is not null and exists (select from organizations o where o.id = old_rows.org_id)
     group by org_id
    on conflict (org_id, shard) do update set linked = c.linked + excluded.linked;
    return null;
end $$;

create or replace function group_members_leave_on_unlink() returns trigger language plpgsql as $$
begin
    perform 1 from org_groups g
     where g.id in (select m.group_id from group_members m where m.member_id = old.scim_id)
     order by g.id
       for update;
    with gone as (
        delete from group_members where member_id = old.scim_id returning group_id
    ), bumped as (
        update org_groups g set version = g.version + 1, member_count = g.member_count - 1, updated_at = now()
          from gone where g.id = gone.group_id
        returning g.id, g.org_id
    )
    insert into group_events (org_id, group_id, kind, detail, actor, at)
    select org_id, id, 'member_removed',
           jsonb_build_object('member', old.scim_id, 'account', old.id, 'reason', case when tg_op = 'DELETE'
               then 'the account was deleted by hand' else 'the user was deleted by the identity provider' end),
           'system', now()
      from bumped
     where exists (select from organizations o where o.id = bumped.org_id);
    return null;
end $$;

-- Each statement may run again on a schema that has it: SchemaCheckIT re-applies the newest migration.
