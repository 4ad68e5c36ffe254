-- SCIM Groups (RFC 7643 §4.2) of an organization and their members, kept so that a membership
-- change costs the same in a group of 10 and in one of 100,000: members are rows, changed by
-- delta (insert ... on conflict do nothing / delete ... where member_id = any(...)), never a
-- rewritten list. See docs/groups.md.

-- A group; id is its SCIM id. member_count is kept by GroupService in the same transaction as
-- each membership change (and by the trigger below), so the console and GET without members
-- never count rows.
create table org_groups (
    id            uuid primary key,
    org_id        uuid not null references organizations (id) on delete cascade,
    seq           bigint generated always as identity,
    display_name  text not null,
    external_id   text,
    member_count  bigint not null default 0 check (member_count >= 0),
    version       bigint not null default 1,   -- meta.version / ETag; bumped on every change, members included
    created_at    timestamptz not null,
    updated_at    timestamptz not null
);
-- displayName is unique per organization in any letter case (caseExact false, RFC 7643 §4.2):
-- this index decides between two concurrent creates; it also serves `displayName eq` (Entra's lookup).
create unique index org_groups_display_name_key on org_groups (org_id, lower(display_name));
create index org_groups_external_id on org_groups (org_id, external_id);
create index org_groups_order on org_groups (org_id, seq);
create index org_groups_sort_created on org_groups (org_id, created_at, seq);
create index org_groups_sort_modified on org_groups (org_id, updated_at, seq);

-- One row per (group, member). member_id is the member's SCIM User id (managed_accounts.scim_id),
-- the value the IdP sends: when a userName change moves the SCIM id to a successor account, the
-- membership follows with no write at all. The primary key answers "is x a member", removes by
-- value and pages the members in order; group_members_member answers a User's `groups`.
create table group_members (
    group_id   uuid not null references org_groups (id) on delete cascade,
    member_id  uuid not null,
    added_at   timestamptz not null default now(),
    primary key (group_id, member_id)
);
create index group_members_member on group_members (member_id, group_id);

-- What happened to each group: created, renamed, updated, member_added, member_removed, deleted.
-- One row per member added or removed, so a group's history, like an account's, is complete;
-- ids only, no personal data. No FK to org_groups: the record outlives a deleted group.
create table group_events (
    id        bigint generated always as identity primary key,
    org_id    uuid not null references organizations (id) on delete cascade,
    group_id  uuid not null,
    kind      text not null,
    detail    jsonb not null default '{}',
    actor     text not null,
    at        timestamptz not null default now()
);
create index group_events_group on group_events (org_id, group_id, id);

-- A SCIM DELETE /Users/{id} unlinks the account (scim_id to null, no successor): the SCIM
-- resource no longer exists, so it is no member of any group either (RFC 7644 §3.6: a deleted
-- resource is gone from every list). The same when an admin deletes by hand an account the IdP
-- still holds (a deactivated one): its SCIM id goes with the row, so no member is left dangling.
-- A userName change also clears scim_id on the old account but sets successor_id, and the
-- successor takes the same scim_id: memberships stay. Deactivation (active=false) keeps
-- memberships; docs/groups.md says why.
create function group_members_leave_on_unlink() returns trigger language plpgsql as $$
begin
    with gone as (
        delete from group_members where member_id = old.scim_id returning group_id
    ), bumped as (
        update org_groups g set version = g.version + 1, member_count = g.member_count - 1, updated_at = now()
          from gone where g.id = gone.group_id
        returning g.id, g.org_id
    )
    insert into group_events (org_id, group_id, kind, detail, actor, at)
    select org_id, id, 'member_removed',
           jsonb_build_object('member', old.scim_id, 'reason', case when tg_op = 'DELETE'
               then 'the account was deleted by hand' else 'the user was deleted by the identity provider' end),
           'system', now()
      from bumped;
    return null;
end $$;

create trigger managed_accounts_leave_groups after update of scim_id on managed_accounts
    for each row when (old.scim_id is not null and new.scim_id is null and new.successor_id is null)
    execute function group_members_leave_on_unlink();
create trigger managed_accounts_deleted_leave_groups after delete on managed_accounts
    for each row when (old.scim_id is not null)
    execute function group_members_leave_on_unlink();

-- `members.value eq "x"` in a group filter: "x" as a uuid, or null (no member) when it is not one.
create function scim_try_uuid(t text) returns uuid language sql immutable parallel safe as $$
    select case when t ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then t::uuid end
$$;
