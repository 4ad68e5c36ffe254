-- Issue 16: the linked-account counters (V4, V105) were kept by statement-level triggers with
-- transition tables. Every UPDATE of an account (each SCIM PATCH and PUT) materialised the old
-- and the new row, jsonb and all, and ran a plpgsql function with a grouped query, although
-- almost no update changes whether an account is linked. In a profile of POST /Users these
-- triggers were about an eighth of PostgreSQL's CPU.
--
-- Now row-level triggers whose WHEN clause PostgreSQL evaluates itself: an insert of a linked
-- account, a delete of one, and only the updates that link, unlink or move an account call the
-- function at all. Same counters, same shard rule (a transaction adds to shard txid % 256 only,
-- so two transactions never take two shard rows in opposite orders).
create or replace function managed_accounts_count_row() returns trigger language plpgsql as $$
begin
    if tg_op <> 'INSERT' and old.scim_id is not null then
        insert into org_account_counts as c (org_id, shard, linked) values (old.org_id, (txid_current() % 256)::smallint, -1)
        on conflict (org_id, shard) do update set linked = c.linked - 1;
    end if;
    if tg_op <> 'DELETE' and new.scim_id is not null then
        insert into org_account_counts as c (org_id, shard, linked) values (new.org_id, (txid_current() % 256)::smallint, 1)
        on conflict (org_id, shard) do update set linked = c.linked + 1;
    end if;
    return null;
end $$;

drop trigger managed_accounts_count_insert on managed_accounts;
drop trigger managed_accounts_count_update on managed_accounts;
drop trigger managed_accounts_count_delete on managed_accounts;
drop function managed_accounts_counted_insert();
drop function managed_accounts_counted_update();
drop function managed_accounts_counted_delete();

create trigger managed_accounts_count_insert after insert on managed_accounts
    for each row when (new.scim_id is not null) execute function managed_accounts_count_row();
create trigger managed_accounts_count_update after update of scim_id, org_id on managed_accounts
    for each row when ((old.scim_id is null) <> (new.scim_id is null)
                       or (old.org_id <> new.org_id and (old.scim_id is not null or new.scim_id is not null)))
    execute function managed_accounts_count_row();
create trigger managed_accounts_count_delete after delete on managed_accounts
    for each row when (old.scim_id is not null) execute function managed_accounts_count_row();
