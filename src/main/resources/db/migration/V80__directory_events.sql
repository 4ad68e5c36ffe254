-- The apps' event feed (docs/events.md): a transactional outbox. Every row of an account's or a
-- group's history (account_events, group_events) and every change of an organization's settings
-- writes one directory_events row in the same transaction, so there is no change without its
-- event and no event without its change. Readers page by (xid, seq) and see only rows whose
-- transaction id is below the oldest transaction still running (pg_snapshot_xmin), so a
-- transaction that commits late is never skipped by a cursor that has moved past it.

create table directory_events (
    xid              xid8 not null default pg_current_xact_id(),  -- the writing transaction (64 bits: never wraps)
    seq              bigint generated always as identity,          -- order inside a transaction; a sequence, no row lock
    id               uuid not null default gen_random_uuid(),      -- the event's id: delivery and idempotency id
    org_id           uuid not null references organizations (id) on delete cascade,
    type             text not null,                                -- account.created, group.member_added, organization.updated ...
    subject_id       uuid not null,                                -- the account, group or organization
    subject_version  bigint not null,                              -- the subject's version (ETag counter) after the change
    occurred_at      timestamptz not null,
    data             jsonb not null,                               -- the subject as the Directory API shows it
    primary key (xid, seq)                                         -- every organization's events in feed order (delivery)
);
-- One organization's feed: (org_id, xid, seq) > cursor, a range on this index.
create index directory_events_org on directory_events (org_id, xid, seq);
-- A manual deletion scrubs the account's earlier events (its personal data goes, docs/product-rules.md rule 10).
create index directory_events_subject on directory_events (subject_id);

-- An account's predecessor (the account it replaced after a userName change) for the app JSON.
create index managed_accounts_predecessor on managed_accounts (successor_id) where successor_id is not null;
-- The Directory API's account pages: every account (linked or not) by (updated_at, seq), and by status.
create index managed_accounts_directory on managed_accounts (org_id, updated_at, seq);
create index managed_accounts_directory_status on managed_accounts (org_id, status, updated_at, seq);

-- An organization's settings version: subject_version of organization.updated events.
alter table organizations add column version bigint not null default 1;

-- Times in the app JSON: UTC, ISO 8601 with microseconds (what PostgreSQL keeps).
create function directory_time(t timestamptz) returns text language sql stable parallel safe as $$
    select to_char(t at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
$$;

-- An account as apps see it (README "Directory API and events"): the Directory API and the
-- events render it with this one function, so both show the same shape.
create function directory_account_json(a managed_accounts) returns jsonb language sql stable parallel safe as $$
    select jsonb_build_object(
        'object', 'account',
        'id', a.id,
        'organization_id', a.org_id,
        'email', a.email,
        'status', a.status,
        'given_name', case when jsonb_typeof(a.attributes #> '{name,givenName}') = 'string' then a.attributes #>> '{name,givenName}' end,
        'family_name', case when jsonb_typeof(a.attributes #> '{name,familyName}') = 'string' then a.attributes #>> '{name,familyName}' end,
        'display_name', a.display_name,
        'external_id', a.external_id,
        'version', a.version,
        'created_at', directory_time(a.created_at),
        'updated_at', directory_time(a.updated_at),
        'predecessor_id', (select p.id from managed_accounts p where p.successor_id = a.id and p.org_id = a.org_id limit 1),
        'successor_id', a.successor_id)
$$;

create function directory_group_json(g org_groups) returns jsonb language sql stable parallel safe as $$
    select jsonb_build_object(
        'object', 'group',
        'id', g.id,
        'organization_id', g.org_id,
        'name', g.display_name,
        'external_id', g.external_id,
        'member_count', g.member_count,
        'version', g.version,
        'created_at', directory_time(g.created_at),
        'updated_at', directory_time(g.updated_at))
$$;

create function directory_organization_json(o organizations) returns jsonb language sql stable parallel safe as $$
    select jsonb_build_object(
        'object', 'organization',
        'id', o.id,
        'name', o.name,
        'provisioning_enabled', o.provisioning_enabled,
        'username_change_policy', o.username_change_policy,
        'version', o.version,
        'updated_at', directory_time(o.updated_at))
$$;

-- A subject that no longer exists (deleted by hand, a deleted group): ids only.
create function directory_gone_json(kind text, id uuid, org uuid) returns jsonb language sql stable parallel safe as $$
    select jsonb_build_object('object', kind, 'id', id, 'organization_id', org, 'status', 'deleted')
$$;

-- One event per account history row. Deferred to the commit, so the event shows the account as
-- the transaction leaves it (the history row is written before some of the row's changes) and
-- carries its final version; still inside the transaction, so it commits or rolls back with it.
create function directory_on_account_event() returns trigger language plpgsql as $$
declare
    a managed_accounts;
begin
    select * into a from managed_accounts where id = new.account_id;
    if found then
        insert into directory_events (org_id, type, subject_id, subject_version, occurred_at, data)
        values (new.org_id, 'account.' || new.kind, new.account_id, a.version, new.at, directory_account_json(a));
    else
        -- Deleted by hand: the row and its personal data are gone, from the earlier events too.
        update directory_events set data = directory_gone_json('account', new.account_id, new.org_id)
         where subject_id = new.account_id and org_id = new.org_id;
        insert into directory_events (org_id, type, subject_id, subject_version, occurred_at, data)
        values (new.org_id, 'account.' || new.kind, new.account_id, coalesce((new.detail ->> 'version')::bigint, 0), new.at,
                directory_gone_json('account', new.account_id, new.org_id));
    end if;
    return null;
end $$;

create constraint trigger account_events_to_directory after insert on account_events
    deferrable initially deferred for each row execute function directory_on_account_event();

-- One event per group history row (member_added / member_removed: one per member), deferred
-- like the accounts'. A member is named by its account id, which apps know; a member removed
-- because its account was unlinked or deleted names the account in the history detail.
create function directory_on_group_event() returns trigger language plpgsql as $$
declare
    g org_groups;
    subject jsonb;
    version bigint;
begin
    select * into g from org_groups where id = new.group_id;
    if found then
        subject := directory_group_json(g);
        version := g.version;
    else
        subject := directory_gone_json('group', new.group_id, new.org_id);
        version := coalesce((new.detail ->> 'version')::bigint, 0);
    end if;
    if new.kind in ('member_added', 'member_removed') then
        subject := jsonb_build_object('group', subject, 'account_id', coalesce(
            (select m.id from managed_accounts m where m.scim_id = (new.detail ->> 'member')::uuid and m.org_id = new.org_id),
            (new.detail ->> 'account')::uuid));
    end if;
    insert into directory_events (org_id, type, subject_id, subject_version, occurred_at, data)
    values (new.org_id, 'group.' || new.kind, new.group_id, version, new.at, subject);
    return null;
end $$;

create constraint trigger group_events_to_directory after insert on group_events
    deferrable initially deferred for each row execute function directory_on_group_event();

-- The V41 trigger that takes an unlinked or deleted user out of its groups, now naming the
-- account in the history, since its SCIM id no longer leads to it.
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
      from bumped;
    return null;
end $$;

-- Organization settings: a change of name, provisioning or username change policy bumps the
-- version and writes organization.updated.
create function directory_organization_version() returns trigger language plpgsql as $$
begin
    if (new.name, new.provisioning_enabled, new.username_change_policy)
       is distinct from (old.name, old.provisioning_enabled, old.username_change_policy) then
        new.version := old.version + 1;
    end if;
    return new;
end $$;

create trigger organizations_version before update on organizations
    for each row execute function directory_organization_version();

create function directory_on_organization_change() returns trigger language plpgsql as $$
begin
    insert into directory_events (org_id, type, subject_id, subject_version, occurred_at, data)
    values (new.id, 'organization.updated', new.id, new.version, now(), directory_organization_json(new));
    return null;
end $$;

create trigger organizations_to_directory after update on organizations
    for each row when (new.version <> old.version) execute function directory_on_organization_change();
