-- Issue 16: the linked-account counters (V4, V105) are kept by statement-level triggers with
-- transition tables. The UPDATE one ran on every update of an account (each SCIM PATCH and PUT):
-- it materialised the old and the new row, jsonb and all, and ran a plpgsql function with a
-- grouped query, although almost no update changes whether an account is linked.
--
-- Updates are now counted by a row-level trigger whose WHEN clause PostgreSQL evaluates itself:
-- only an update that links, unlinks or moves an account calls the function. Same counters, same
-- shard rule (a transaction adds to shard txid % 256 only, so two transactions never take two
-- shard rows in opposite orders).
--
-- Inserts and deletes keep their statement-level triggers (V105): a row trigger adds to the
-- transaction's one shard row once per row, and a single transaction that writes that row a
-- million times (a bulk load, bench/million) walks an ever longer chain of its versions, which
-- made a load of 1,000,000 accounts take longer than 11 minutes instead of half a minute. The
-- application changes linkage one account per statement; a hand-written UPDATE that links or
-- unlinks very many accounts in one transaction is slow for the same reason and is better split.
create or replace function managed_accounts_count_row() returns trigger language plpgsql as $$
begin
    if old.scim_id is not null then
        insert into org_account_counts as c (org_id, shard, linked) values (old.org_id, (txid_current() % 256)::smallint, -1)
        on conflict (org_id, shard) do update set linked = c.linked - 1;
    end if;
    if new.scim_id is not null then
        insert into org_account_counts as c (org_id, shard, linked) values (new.org_id, (txid_current() % 256)::smallint, 1)
        on conflict (org_id, shard) do update set linked = c.linked + 1;
    end if;
    return null;
end $$;

drop trigger managed_accounts_count_update on managed_accounts;
drop function managed_accounts_counted_update();

create trigger managed_accounts_count_update after update of scim_id, org_id on managed_accounts
    for each row when ((old.scim_id is null) <> (new.scim_id is null)
                       or (old.org_id <> new.org_id and (old.scim_id is not null or new.scim_id is not null)))
    execute function managed_accounts_count_row();
