-- Issue 16: no SCIM change of an account is a HOT update (it always moves updated_at, which indexes
-- hold), so PostgreSQL adds an entry for the new row version to every index of managed_accounts,
-- the three GIN indexes included: trigrams of lower(email) and lower(display_name) (V5) and the
-- lower-cased email values (V1, V111). A GIN entry per trigram, about 40 for one account, though a
-- deactivation changes none of those values. Measured with pgbench on a copy of the accounts
-- table, 8 clients, a deactivation's update: 4,470 updates/s with them, 6,200-7,100 without
-- (docs/performance.md).
--
-- Those values now live in account_search, one row per account, kept by triggers that write it
-- only when one of them changes: a create writes it, a deactivation or any change of other
-- attributes does not. The SCIM filters that used the indexes (userName/displayName co, sw, ew;
-- emails.value eq) search it with EXISTS on the account's id and organization (AccountColumns).
-- It holds every account, linked or not; the queries keep their own "scim_id is not null".
create table if not exists account_search (
    account_id   uuid primary key,
    org_id       uuid not null,
    email        text not null,     -- lower(managed_accounts.email)
    display_name text,              -- lower(managed_accounts.display_name)
    email_values text[] not null    -- scim_email_values(managed_accounts.attributes), lower-cased
);

insert into account_search (account_id, org_id, email, display_name, email_values)
select id, org_id, lower(email), lower(display_name), scim_email_values(attributes) from managed_accounts
on conflict (account_id) do nothing;

create index if not exists account_search_email_trgm on account_search using gin (org_id, email gin_trgm_ops);
create index if not exists account_search_display_name_trgm on account_search using gin (org_id, display_name gin_trgm_ops);
create index if not exists account_search_email_values on account_search using gin (email_values);

drop index if exists managed_accounts_email_trgm;
drop index if exists managed_accounts_display_name_trgm;
drop index if exists managed_accounts_email_values;

-- AFTER triggers: an insert that ON CONFLICT DO NOTHING skips fires no AFTER ROW trigger, so no
-- search row is ever written for an account that was not. No foreign key: it would cost a lookup
-- and a lock of the account per create (V113); the delete trigger removes the row instead.
create or replace function account_search_write() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        delete from account_search where account_id = old.id;
        return null;
    end if;
    if tg_op = 'INSERT' then
        insert into account_search (account_id, org_id, email, display_name, email_values)
        values (new.id, new.org_id, lower(new.email), lower(new.display_name), scim_email_values(new.attributes));
    else
        update account_search set org_id = new.org_id, email = lower(new.email), display_name = lower(new.display_name),
            email_values = scim_email_values(new.attributes)
         where account_id = new.id;
    end if;
    return null;
end $$;

drop trigger if exists account_search_inserted on managed_accounts;
create trigger account_search_inserted after insert on managed_accounts
    for each row execute function account_search_write();

-- The condition is evaluated in C before any PL/pgSQL runs, so an update that changes none of
-- the searched values costs one comparison of the emails arrays and writes nothing here.
drop trigger if exists account_search_updated on managed_accounts;
create trigger account_search_updated after update on managed_accounts
    for each row
    when (old.email is distinct from new.email or old.display_name is distinct from new.display_name
          or old.org_id is distinct from new.org_id
          or (old.attributes -> 'emails') is distinct from (new.attributes -> 'emails'))
    execute function account_search_write();

drop trigger if exists account_search_deleted on managed_accounts;
create trigger account_search_deleted after delete on managed_accounts
    for each row execute function account_search_write();

-- Each statement may run again on a schema that has it: SchemaCheckIT re-applies the newest migration.
