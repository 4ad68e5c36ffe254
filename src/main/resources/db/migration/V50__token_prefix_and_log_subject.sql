-- A token's first characters, shown wherever the token is named (console list, revoke
-- confirmation, provisioning log, admin API, CLI) so two tokens with the same label can be told
-- apart, as Okta and WorkOS show key prefixes. It is the readable "lanyard_scim_" plus 8 of the
-- 43 random characters: 48 of the 256 random bits, which leaves 208 unknown, still far beyond
-- guessing. Tokens issued before this column existed have ''.
alter table provisioning_tokens add column prefix text not null default '';

-- Whom each logged SCIM request was about and with which token: the token (its label and prefix
-- are shown), the userName the request named or concerned, and the account it touched (a link
-- from the log to the account and back). No foreign keys: the log outlives tokens and accounts.
alter table provisioning_log add column token_id uuid;
alter table provisioning_log add column user_name text;
alter table provisioning_log add column account_id uuid;
create index provisioning_log_org_account on provisioning_log (org_id, account_id, at desc, id desc)
    where account_id is not null;
