-- Lanyard as an OpenID provider (docs/oidc.md): the apps (OAuth clients) the operator registers,
-- their secrets, which organizations may use them, the signing keys, and the codes and tokens.

create table oidc_clients (
    id                     uuid primary key,
    client_id              text not null unique,
    name                   text not null,
    redirect_uris          text[] not null,           -- compared exactly (RFC 6749 §3.1.2, OIDC Core §3.1.2.1)
    public_client          boolean not null,          -- no secret; PKCE S256 required
    all_organizations      boolean not null,          -- else only those in oidc_client_organizations
    access_token_seconds   integer not null check (access_token_seconds between 60 and 86400),
    refresh_token_seconds  integer not null check (refresh_token_seconds between 0 and 7776000), -- 0: no refresh tokens
    created_at             timestamptz not null default now()
);

-- Secrets of confidential clients: only a SHA-256 of 256 random bits; several live at once for rotation.
create table oidc_client_secrets (
    id          uuid primary key,
    client      uuid not null references oidc_clients (id) on delete cascade,
    hash        bytea not null unique,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz
);
create index oidc_client_secrets_client on oidc_client_secrets (client);

-- The organizations an app is limited to (when all_organizations is false).
create table oidc_client_organizations (
    client  uuid not null references oidc_clients (id) on delete cascade,
    org_id  uuid not null references organizations (id) on delete cascade,
    primary key (client, org_id)
);
create index oidc_client_organizations_org on oidc_client_organizations (org_id);

-- An organization's admin turned an app off for their members.
create table oidc_client_turned_off (
    client          uuid not null references oidc_clients (id) on delete cascade,
    org_id          uuid not null references organizations (id) on delete cascade,
    turned_off_by   text not null,
    turned_off_at   timestamptz not null default now(),
    primary key (client, org_id)
);

-- Email domains that name an organization at the authorization endpoint (login_hint=ann@acme.com).
create table organization_email_domains (
    domain  text primary key check (domain = lower(domain)),
    org_id  uuid not null references organizations (id) on delete cascade
);
create index organization_email_domains_org on organization_email_domains (org_id);

-- ID token signing keys. The private JWK is sealed with AES-256-GCM under the server secret
-- 'oidc-signing-key-seal'. A key is published in the JWKS from created_at, signs from active_from
-- until retired_at, and stays published until retired_at plus the longest ID token lifetime.
create table oidc_signing_keys (
    kid          text primary key,
    algorithm    text not null,
    public_jwk   text not null,
    sealed_jwk   bytea not null,
    created_at   timestamptz not null default now(),
    active_from  timestamptz not null,
    retired_at   timestamptz
);

-- One sign-in of a member into an app: the code and every token issued from it hang off a grant,
-- so revoking the grant (a replayed code or refresh token, a revocation request) ends them all.
create table oidc_grants (
    id          uuid primary key,
    client      uuid not null references oidc_clients (id) on delete cascade,
    org_id      uuid not null references organizations (id) on delete cascade,
    account_id  uuid not null references managed_accounts (id) on delete cascade,
    scope       text not null,
    auth_time   timestamptz not null,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz
);
create index oidc_grants_account on oidc_grants (account_id);
create index oidc_grants_created on oidc_grants (created_at);

-- Authorization codes: SHA-256 of the code, single use, 60 seconds.
create table oidc_codes (
    hash            bytea primary key,
    grant_id        uuid not null references oidc_grants (id) on delete cascade,
    redirect_uri    text not null,
    code_challenge  text,                  -- S256 only (RFC 7636 §4.2)
    nonce           text,
    expires_at      timestamptz not null,
    used_at         timestamptz
);
create index oidc_codes_grant on oidc_codes (grant_id);
create index oidc_codes_expiry on oidc_codes (expires_at);

-- Access and refresh tokens: SHA-256 of the opaque value. A refresh token is used once (rotation).
create table oidc_tokens (
    hash        bytea primary key,
    grant_id    uuid not null references oidc_grants (id) on delete cascade,
    kind        text not null check (kind in ('access', 'refresh')),
    expires_at  timestamptz not null,
    used_at     timestamptz
);
create index oidc_tokens_grant on oidc_tokens (grant_id);
create index oidc_tokens_expiry on oidc_tokens (expires_at);
