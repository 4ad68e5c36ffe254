-- Secrets of the installation itself, shared by every server on this database: today the key
-- that signs SCIM pagination cursors, so a cursor made by one server (or before a restart) is
-- accepted by another, and a forged one is refused before it reaches SQL.
create table server_secrets (
    name       text primary key,
    value      bytea not null,
    created_at timestamptz not null default now()
);
