-- Issue 16: every SCIM request writes one provisioning_log row, so each of the table's indexes is
-- paid by every lookup, create and change. provisioning_log_at (at) had one reader: the hourly
-- retention purge, which deleted the oldest rows of all organizations at once by "at < cutoff".
-- The purge now goes organization by organization, as a range of provisioning_log_org_at
-- (org_id, at desc, id desc), which every row already has an entry in; so the global index goes.
-- (Measured in docs/performance.md, "The retention purge per organization".)
drop index if exists provisioning_log_at;

-- Each statement may run again on a schema that has it: SchemaCheckIT re-applies the newest migration.
