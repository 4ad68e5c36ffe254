-- Entries of organizations that no longer exist. V112 dropped provisioning_log's foreign key (and
-- with it ON DELETE CASCADE); V113 added the trigger that deletes an organization's entries when
-- the organization is deleted by hand. An organization deleted on a server that had V112 but not
-- yet V113 left its entries behind, and since V116 the retention purge walks organizations, so it
-- never reaches them. (The writer cannot add more: its batch also writes provisioning_log_usage
-- and provisioning_activity, whose keys refuse an organization that is gone.)
--
-- The log's organizations are found one descent of provisioning_log_org_at each (a loose index
-- scan), not by a pass over every entry: this runs once, at the start after an upgrade, on a
-- log that may hold millions of rows.
with recursive logged (org_id) as (
        (select org_id from provisioning_log order by org_id limit 1)
        union all
        select (select p.org_id from provisioning_log p where p.org_id > logged.org_id order by p.org_id limit 1)
          from logged
         where logged.org_id is not null),
     gone as (select org_id from logged
               where org_id is not null
                 and not exists (select 1 from organizations o where o.id = logged.org_id))
delete from provisioning_log l using gone where l.org_id = gone.org_id;

-- Each statement may run again on a schema that has it: SchemaCheckIT re-applies the newest migration.
