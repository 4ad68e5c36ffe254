-- Group events set-based (docs/events.md "Cost"): one INSERT ... SELECT per statement that writes
-- group history, instead of a trigger call per history row. A push that adds 20,000 members writes
-- its 20,000 member events in one statement. GroupService writes the history after the group's
-- row has its new state (version, count, name), and V41's unlink trigger bumps the groups before
-- it writes its rows, so the events read the group as the change leaves it without waiting for
-- the commit.
drop trigger group_events_to_directory on group_events;
drop function directory_on_group_event();

create function directory_on_group_events() returns trigger language plpgsql as $$
begin
    insert into directory_events (org_id, type, subject_id, subject_version, occurred_at, data)
    select e.org_id, 'group.' || e.kind, e.group_id, coalesce(g.version, (e.detail ->> 'version')::bigint, 0), e.at,
           case when e.kind in ('member_added', 'member_removed')
                then jsonb_build_object('group', s.subject, 'account_id', coalesce(m.id, (e.detail ->> 'account')::uuid))
                else s.subject end
      from written e
      left join org_groups g on g.id = e.group_id
      left join managed_accounts m on m.scim_id = (e.detail ->> 'member')::uuid and m.org_id = e.org_id
      cross join lateral (select case when g.id is null then directory_gone_json('group', e.group_id, e.org_id)
                                      else directory_group_json(g) end as subject) s
     order by e.id;
    return null;
end $$;

create trigger group_events_to_directory after insert on group_events
    referencing new table as written for each statement execute function directory_on_group_events();
