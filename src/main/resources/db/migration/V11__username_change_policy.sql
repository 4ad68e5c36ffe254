-- What a userName change from the IdP does to a managed account, per organization (console
-- Settings > Username change policy; admin API PATCH /admin/api/orgs/{org}):
--   new_account      the product guide's rule: the account is invalidated (kept for the record)
--                    and a new account with the new userName takes over the SCIM id
--   rename_in_place  the same account gets the new userName as its email
-- A constant default is a catalog change only: no table rewrite, whatever the number of rows.
alter table organizations
    add column username_change_policy text not null default 'new_account'
        constraint organizations_username_change_policy_check
        check (username_change_policy in ('new_account', 'rename_in_place'));
