-- Organization admins who sign in to the web console (/console). Created by the operator
-- (`bin/lanyard admin create ORG EMAIL`), which shows a random one-time password once.
-- password_hash is a bcrypt string ($2a$12$...): salt and cost travel inside it.
create table console_admins (
    id            uuid primary key,
    org_id        uuid not null references organizations (id) on delete cascade,
    email         text not null,
    password_hash text not null,
    created_at    timestamptz not null default now()
);
-- One admin per address in an organization, in any letter case; the same person may be an
-- admin of several organizations, each with its own password.
create unique index console_admins_email_key on console_admins (org_id, lower(email));
