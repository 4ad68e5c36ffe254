-- The mass-deprovisioning safeguard (a circuit breaker, docs/safeguard.md): when an organization's
-- IdP takes away more accounts than it should within a window, further deactivations and
-- deletions are held for an admin to release or reject.

-- One row per organization that changed a setting or had removals counted; no row = the defaults.
--   max_percent / max_count / window_seconds: trip when the removals within the window would be
--     more than max_percent of the active accounts (from 10 removals on) or more than max_count
--   tripped_at: set when the safeguard trips; every deactivation and deletion is held until an
--     admin resumes (release all / reject all)
--   base_active, base_at: the active accounts at the window's start (active now + removed within
--     the window), counted at most every 5 minutes so the percent rule does not count a million rows
--     on each deactivation
create table safeguard_settings (
    org_id          uuid primary key references organizations (id) on delete cascade,
    enabled         boolean not null default true,
    max_percent     integer not null default 20 check (max_percent between 1 and 100),
    max_count       integer not null default 500 check (max_count between 1 and 1000000),
    window_seconds  integer not null default 3600 check (window_seconds between 60 and 604800),
    tripped_at      timestamptz,
    trip_reason     text,
    base_active     bigint,
    base_at         timestamptz,
    updated_at      timestamptz not null default now()
);

-- Removals (active accounts deactivated or deleted by the IdP) per organization and minute: the
-- window's count is a sum over at most window/60 rows. Swept when older than the longest window.
create table safeguard_removals (
    org_id   uuid not null references organizations (id) on delete cascade,
    minute   timestamptz not null,
    removed  integer not null,
    primary key (org_id, minute)
);

-- A change the safeguard held instead of applying. One per SCIM user: the IdP's retries of the
-- same change refresh it (last_sent_at, requests) instead of piling up.
--   kind: deactivate (PUT / PATCH with active false; profile holds the whole change as computed)
--         or delete (DELETE /Users/{id}; no profile)
--   version: the account's version the change was computed from; a release applies it only if the
--            account is still at that version
create table held_changes (
    id            uuid primary key,
    org_id        uuid not null references organizations (id) on delete cascade,
    scim_id       uuid not null,
    account_id    uuid not null references managed_accounts (id) on delete cascade,
    email         text not null,
    kind          text not null check (kind in ('deactivate', 'delete')),
    version       bigint not null,
    profile       jsonb,
    actor         text not null,
    held_at       timestamptz not null default now(),
    last_sent_at  timestamptz not null default now(),
    requests      integer not null default 1,
    constraint held_profile check ((kind = 'deactivate') = (profile is not null))
);
create unique index held_changes_user on held_changes (org_id, scim_id);
-- The console's list, oldest first, paged by keyset.
create index held_changes_page on held_changes (org_id, held_at, id);
create index held_changes_account on held_changes (account_id);
