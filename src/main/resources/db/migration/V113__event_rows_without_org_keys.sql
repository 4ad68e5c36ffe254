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

-- Deleting an organization by hand failed as soon as it had a linked account: the cascade deleted
-- its accounts after the organization's row, and two triggers on that delete then wrote rows for
-- an organization already gone (a negative account count; a group's "member_removed" event), which
-- their own keys refused. Its accounts now go first, while the organization is still there, so
-- those triggers run as for any account deleted by hand, and the organization's cascade removes
-- what they wrote (OrganizationDeletedByHandIT).
create or replace function organizations_deleting_accounts() returns trigger language plpgsql as $$
begin
    delete from managed_accounts where org_id = old.id;
    return old;
end $$;

drop trigger if exists organizations_deleting_accounts on organizations;
create trigger organizations_deleting_accounts before delete on organizations
    for each row execute function organizations_deleting_accounts();

-- Each statement may run again on a schema that has it: SchemaCheckIT re-applies the newest migration.
