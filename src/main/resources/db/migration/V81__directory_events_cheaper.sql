-- The outbox trigger of V80, cheaper on the SCIM write path (docs/events.md "Cost"):
-- directory_account_json becomes PL/pgSQL, whose statement plans are kept for the session; as a
-- SQL function with a sub-select it could not be inlined, and PostgreSQL planned its body again
-- at every call. The account trigger reads the account and writes its event in one statement.

create or replace function directory_account_json(a managed_accounts) returns jsonb language plpgsql stable parallel safe as $$
begin
    return jsonb_build_object(
        'object', 'account',
        'id', a.id,
        'organization_id', a.org_id,
        'email', a.email,
        'status', a.status,
        'given_name', case when jsonb_typeof(a.attributes #> '{name,givenName}') = 'string' then a.attributes #>> '{name,givenName}' end,
        'family_name', case when jsonb_typeof(a.attributes #> '{name,familyName}') = 'string' then a.attributes #>> '{name,familyName}' end,
        'display_name', a.display_name,
        'external_id', a.external_id,
        'version', a.version,
        'created_at', directory_time(a.created_at),
        'updated_at', directory_time(a.updated_at),
        'predecessor_id', (select p.id from managed_accounts p where p.successor_id = a.id and p.org_id = a.org_id limit 1),
        'successor_id', a.successor_id);
end $$;

create or replace function directory_on_account_event() returns trigger language plpgsql as $$
begin
    insert into directory_events (org_id, type, subject_id, subject_version, occurred_at, data)
    select new.org_id, 'account.' || new.kind, new.account_id, a.version, new.at, directory_account_json(a)
      from managed_accounts a where a.id = new.account_id;
    if not found then
        -- Deleted by hand: the row and its personal data are gone, from the earlier events too.
        update directory_events set data = directory_gone_json('account', new.account_id, new.org_id)
         where subject_id = new.account_id and org_id = new.org_id;
        insert into directory_events (org_id, type, subject_id, subject_version, occurred_at, data)
        values (new.org_id, 'account.' || new.kind, new.account_id, coalesce((new.detail ->> 'version')::bigint, 0), new.at,
                directory_gone_json('account', new.account_id, new.org_id));
    end if;
    return null;
end $$;

-- The group trigger in one statement too: the group (or its absence), the member's account and
-- the event, so a push of many members runs one statement per member event, not three.
create or replace function directory_on_group_event() returns trigger language plpgsql as $$
begin
    insert into directory_events (org_id, type, subject_id, subject_version, occurred_at, data)
    select new.org_id, 'group.' || new.kind, new.group_id, coalesce(g.version, (new.detail ->> 'version')::bigint, 0), new.at,
           case when new.kind in ('member_added', 'member_removed') then jsonb_build_object('group', s.subject, 'account_id',
                    coalesce((select m.id from managed_accounts m
                               where m.scim_id = (new.detail ->> 'member')::uuid and m.org_id = new.org_id),
                             (new.detail ->> 'account')::uuid))
                else s.subject end
      from (select 1) one
      left join org_groups g on g.id = new.group_id
      cross join lateral (select case when g.id is null then directory_gone_json('group', new.group_id, new.org_id)
                                      else directory_group_json(g) end as subject) s;
    return null;
end $$;
