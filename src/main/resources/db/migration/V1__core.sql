-- Lanyard core schema: organizations, their provisioning tokens, managed accounts.
-- Every table that holds an organization's data carries org_id first, so every query and
-- index starts with the organization and no query can wander into another one's rows.

-- The operator credential (admin API, CLI). One row per issued credential; only a hash.
create table operator_credentials (
    id          uuid primary key,
    secret_hash bytea not null unique,
    created_at  timestamptz not null default now()
);

create table organizations (
    id                    uuid primary key,
    name                  text not null,
    provisioning_enabled  boolean not null default false,
    created_at            timestamptz not null default now(),
    updated_at            timestamptz not null default now()
);
-- Names are what operators type on the command line; "Acme" and "acme" are the same org.
create unique index organizations_name_key on organizations (lower(name));

-- SCIM bearer tokens. The secret is shown once; we keep SHA-256 of it (the secret is 256 random
-- bits, so a fast hash is enough: there is nothing to brute-force). More than one may be active.
create table provisioning_tokens (
    id            uuid primary key,
    org_id        uuid not null references organizations (id) on delete cascade,
    label         text not null default '',
    secret_hash   bytea not null unique,
    created_at    timestamptz not null default now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
create index provisioning_tokens_org on provisioning_tokens (org_id, created_at);

-- A managed account: a sign-in identity of one organization, and (while the IdP manages it)
-- the SCIM User resource the IdP sees.
--
-- status: active | deactivated (IdP said active=false) | invalidated (the IdP changed the
-- userName; see successor_id) | disabled (the IdP deleted the SCIM resource).
-- scim_id is the SCIM resource id and is set only while the IdP manages the account; when the
-- userName changes the SCIM id moves to the successor account, so the IdP keeps its id.
create table managed_accounts (
    id              uuid primary key,
    org_id          uuid not null references organizations (id) on delete cascade,
    seq             bigint generated always as identity,
    email           text not null,               -- = the IdP's userName, as sent
    status          text not null check (status in ('active', 'deactivated', 'invalidated', 'disabled')),
    scim_id         uuid unique,
    external_id     text,
    display_name    text,
    attributes      jsonb not null,              -- the SCIM User as stored, without id, meta, password
    version         bigint not null default 1,   -- meta.version / ETag; bumped on every change
    scim_created_at timestamptz,                 -- meta.created of the SCIM resource (survives renames)
    successor_id    uuid references managed_accounts (id) on delete set null deferrable initially deferred,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    status_changed_at timestamptz not null default now(),
    constraint linked_means_managed check (scim_id is null or status in ('active', 'deactivated'))
);

-- userName is unique (any letter case) among the accounts the IdP manages: this index, not
-- application code, decides between two concurrent creates (RFC 7643 userName: caseExact false).
create unique index managed_accounts_username_key on managed_accounts (org_id, lower(email)) where scim_id is not null;
-- Re-attaching a disabled account when the IdP POSTs its userName again; console search by email.
create index managed_accounts_email on managed_accounts (org_id, lower(email));
create index managed_accounts_external_id on managed_accounts (org_id, external_id) where scim_id is not null;
create index managed_accounts_display_name on managed_accounts (org_id, lower(display_name)) where scim_id is not null;
-- Stable page order for SCIM list responses.
create index managed_accounts_scim_order on managed_accounts (org_id, seq) where scim_id is not null;
create index managed_accounts_status on managed_accounts (org_id, status, seq);

-- emails.value (caseExact false) as a lower-cased array, so `emails.value eq "x"` uses a GIN index.
create function scim_email_values(attrs jsonb) returns text[]
    language sql immutable parallel safe
    as $$ select coalesce(array_agg(lower(e ->> 'value')), '{}') from jsonb_array_elements(
              case when jsonb_typeof(attrs -> 'emails') = 'array' then attrs -> 'emails' else '[]'::jsonb end) e $$;
create index managed_accounts_email_values on managed_accounts using gin (scim_email_values(attributes)) where scim_id is not null;

-- What happened to each account, for the console's history and the record of manual deletions
-- (who, when), which outlives the account's personal data.
create table account_events (
    id          bigint generated always as identity primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    account_id  uuid not null,                  -- no FK: the record stays after manual deletion
    kind        text not null,                  -- created, updated, deactivated, reactivated, invalidated, disabled, reattached, deleted
    detail      jsonb not null default '{}',
    actor       text not null,                  -- 'scim:<token id>' or 'operator'
    at          timestamptz not null default now()
);
create index account_events_account on account_events (org_id, account_id, id);
