-- Signed-in console admins. The browser holds 256 random bits in the lanyard_session cookie;
-- the table holds only their SHA-256 (id), so a copy of the table signs nobody in.
-- csrf_token is the synchronizer token every console form carries and every POST must return.
create table console_sessions (
    id          bytea primary key,
    admin_id    uuid not null references console_admins (id) on delete cascade,
    created_at  timestamptz not null default now(),
    expires_at  timestamptz not null,
    csrf_token  text not null
);
create index console_sessions_admin on console_sessions (admin_id);
-- Expired sessions are swept at each sign-in.
create index console_sessions_expiry on console_sessions (expires_at);

-- Sign-in throttling, per organization and email: the times of the recent attempts (at most
-- five are kept) and the end of a lockout. In the database rather than in memory so that every
-- server of an installation, and a restarted one, counts the same attempts. key_hash is SHA-256
-- of the organization and the lower-cased email, so no address is kept for a mistyped login.
create table console_login_attempts (
    key_hash      bytea primary key,
    attempts      timestamptz[] not null default '{}',
    locked_until  timestamptz,
    updated_at    timestamptz not null default now()
);
-- Rows nobody has touched for a while are swept at each attempt.
create index console_login_attempts_updated on console_login_attempts (updated_at);
