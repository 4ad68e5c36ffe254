-- An organization's audit trail: every change to its settings, tokens, admins and accounts made
-- by a person (an admin, the operator) or by Lanyard itself, written in the same transaction as
-- the change, so a change without its entry (or an entry without its change) cannot exist.
-- actor is domain.Actor's stored text (console:<id>, scim:token:<id>, operator, system,
-- anonymous); actor_label is how that actor was named at the time (the admin's email, the token's
-- label and first characters), kept because admins and tokens may go while the record stays.
-- No foreign key but the organization's: the trail outlives what it names.
create table audit_trail (
    id            bigint generated always as identity primary key,
    org_id        uuid not null references organizations (id) on delete cascade,
    at            timestamptz not null default clock_timestamp(),
    actor         text not null,
    actor_label   text not null,
    action        text not null,
    area          text not null generated always as (split_part(action, '.', 1)) stored,
    target_type   text,
    target_id     text,
    target_label  text,
    detail        jsonb not null default '{}'::jsonb
);
-- The console's list and the export: newest first per organization, keyset on (at, id).
create index audit_trail_org_at on audit_trail (org_id, at desc, id desc);
-- Filters by action (and the bound on failed sign-in entries per hour), by area (the part of the
-- action before the dot, what the console's filter offers) and by actor.
create index audit_trail_org_action_at on audit_trail (org_id, action, at desc, id desc);
create index audit_trail_org_area_at on audit_trail (org_id, area, at desc, id desc);
create index audit_trail_org_actor_at on audit_trail (org_id, actor, at desc, id desc);
-- The retention sweep takes the oldest rows of every organization.
create index audit_trail_at on audit_trail (at);

-- The SAML sign-in log is swept by age too (it had no retention before).
create index saml_sign_in_log_at on saml_sign_in_log (at);

-- A warning about an IdP certificate's expiry is written once per certificate and threshold.
create table saml_certificate_warnings (
    org_id          uuid not null references organizations (id) on delete cascade,
    sha256          text not null,
    days_threshold  int not null,
    warned_at       timestamptz not null default now(),
    primary key (org_id, sha256, days_threshold)
);
