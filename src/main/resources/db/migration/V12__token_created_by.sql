-- Who issued each provisioning token, for the console's token list: "operator" (admin API, CLI)
-- or the console admin's email as it was when they issued it (a record, not a reference: it
-- stays readable after the admin is removed). Tokens issued before this column existed say ''.
alter table provisioning_tokens add column created_by text not null default '';
