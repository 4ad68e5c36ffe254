-- AuthnRequest IDs already answered. The IDs themselves are signed by Lanyard (purpose, expiry),
-- so starting a sign-in writes nothing; a Response answering one is accepted once, and only a
-- Response with a valid IdP signature gets this far.
create table saml_requests (
    id          text primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    expires_at  timestamptz not null
);
create index saml_requests_expiry on saml_requests (expires_at);

-- Assertion IDs already used, kept until the assertion expires: a replay on any server of the
-- installation hits the primary key.
create table saml_assertion_ids (
    org_id      uuid not null references organizations (id) on delete cascade,
    id          text not null,
    expires_at  timestamptz not null,
    primary key (org_id, id)
);
create index saml_assertion_ids_expiry on saml_assertion_ids (expires_at);

-- Members signed in by SAML (apart from console_sessions: a member is not an admin). The
-- browser holds 256 random bits in the lanyard_member cookie; id is their SHA-256.
create table member_sessions (
    id          bytea primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    account_id  uuid not null references managed_accounts (id) on delete cascade,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null
);
create index member_sessions_account on member_sessions (account_id);
create index member_sessions_expiry on member_sessions (expires_at);

-- Every SAML sign-in attempt of an organization, success or failure, with the reason in plain
-- words and a hint to act on (e.g. the fingerprint of a certificate that is not configured).
create table saml_sign_in_log (
    id          bigint generated always as identity primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    at          timestamptz not null default now(),
    flow        text not null,      -- sp-initiated, idp-initiated, test, console
    outcome     text not null check (outcome in ('success', 'failure')),
    reason      text not null,      -- a code: ok, unsigned, unknown_certificate, ...
    detail      text not null,      -- the reason in plain words
    hint        text,               -- what to do about it
    name_id     text,
    account_id  uuid,
    attributes  jsonb
);
create index saml_sign_in_log_org_at on saml_sign_in_log (org_id, at desc, id desc);

-- A sign-in looks the account up by email in any case and any status (the unique index covers
-- only accounts the IdP manages).
create index managed_accounts_sign_in on managed_accounts (org_id, lower(email));
