-- A one-time password expires (docs/security.md): 24 hours after the operator handed it out.
-- Null for a password the admin chose. One-time passwords issued before this start their 24 hours now.
alter table console_admins add column password_expires_at timestamptz;
update console_admins set password_expires_at = now() + interval '24 hours' where must_change_password;
