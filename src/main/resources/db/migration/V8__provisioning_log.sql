-- What each organization's IdP sent and what it got back: the troubleshooting screen the
-- product guide lacks. Bodies are stored with secrets redacted (passwords, tokens); rows older
-- than the retention (LANYARD_LOG_RETENTION_DAYS, default 30) are deleted every hour.
create table provisioning_log (
    id           bigint generated always as identity primary key,
    org_id       uuid not null references organizations (id) on delete cascade,
    at           timestamptz not null,
    method       text not null,
    path         text not null,             -- without the query string
    query        text,                      -- the filter and paging the IdP asked for
    client       text not null,             -- okta, entra, or the User-Agent, shortened
    status       int not null,
    duration_ms  real not null,
    scim_type    text,                      -- for failures: the SCIM error type
    detail       text,                      -- for failures: the error detail sent to the IdP
    request_body jsonb                      -- redacted
);
create index provisioning_log_org_at on provisioning_log (org_id, at desc, id desc);
create index provisioning_log_org_status on provisioning_log (org_id, status, at desc);
create index provisioning_log_at on provisioning_log (at);
