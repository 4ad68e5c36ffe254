-- A one-time password is one-time: an admin created or reset by the operator must choose their
-- own password before any other console page opens.
alter table console_admins add column must_change_password boolean not null default false;

-- The operator (the credential in the data folder) may sign in to the console too and look
-- after any organization: such a session has no admin, and org_id is the organization it has
-- opened (none yet right after sign-in). An admin's session takes its organization from the admin.
alter table console_sessions alter column admin_id drop not null;
alter table console_sessions add column operator boolean not null default false;
alter table console_sessions add column org_id uuid references organizations (id) on delete set null;
alter table console_sessions add constraint console_sessions_holder check ((admin_id is null) = operator);
