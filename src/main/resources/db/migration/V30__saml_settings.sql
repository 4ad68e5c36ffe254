-- SAML single sign-on settings of an organization: its IdP (entity ID, where to send the
-- AuthnRequest) and how a Response is matched to a managed account. No row: SAML not configured.
create table saml_settings (
    org_id               uuid primary key references organizations (id) on delete cascade,
    enabled              boolean not null default false,
    idp_entity_id        text not null default '',
    sso_url              text not null default '',
    -- SHA-1 signatures and digests are refused unless the organization allows them (old IdPs).
    allow_sha1           boolean not null default false,
    -- null: the NameID is the email; else the name of the attribute that holds it.
    match_attribute      text,
    -- console admins of the organization may sign in to the console through the IdP too.
    console_admins_by_saml boolean not null default false,
    updated_at           timestamptz not null default now()
);

-- The IdP's signing certificates: several at once, so a rollover needs no downtime. A Response
-- must be signed by one of them. sha256 is the hex fingerprint of the DER encoding.
create table saml_idp_certificates (
    id          uuid primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    der         bytea not null,
    sha256      text not null,
    subject     text not null,
    not_before  timestamptz not null,
    not_after   timestamptz not null,
    added_at    timestamptz not null default now(),
    unique (org_id, sha256)
);
