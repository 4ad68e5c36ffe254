-- The trigger of V40 that takes a deleted user out of its groups now locks those groups in id
-- order before changing them. IdPs deprovision users in parallel (Entra sends several DELETEs at
-- once), and two users who share groups must lock them in the same order or one DELETE fails on
-- a deadlock. V40's order came from the plan (the (member_id, group_id) index happens to yield
-- group_id order); this makes it a guarantee. GroupService locks one group per change, so it
-- cannot close a cycle with this order.
create or replace function group_members_leave_on_unlink() returns trigger language plpgsql as $$
begin
    perform 1 from org_groups g
     where g.id in (select m.group_id from group_members m where m.member_id = old.scim_id)
     order by g.id
       for update;
    with gone as (
        delete from group_members where member_id = old.scim_id returning group_id
    ), bumped as (
        update org_groups g set version = g.version + 1, member_count = g.member_count - 1, updated_at = now()
          from gone where g.id = gone.group_id
        returning g.id, g.org_id
    )
    insert into group_events (org_id, group_id, kind, detail, actor, at)
    select org_id, id, 'member_removed',
           jsonb_build_object('member', old.scim_id, 'reason', case when tg_op = 'DELETE'
               then 'the account was deleted by hand' else 'the user was deleted by the identity provider' end),
           'system', now()
      from bumped;
    return null;
end $$;
