-- Requests per organization and hour, for the activity chart on the console's User provisioning
-- page. The chart reads at most 168 of these rows (7 days) instead of counting millions of
-- provisioning_log rows. The log writer (audit/ProvisioningLog) adds to them in the same
-- transaction as it inserts the log rows, so the counts and the log never disagree; the hourly
-- retention sweep deletes the hours the log no longer holds.
create table provisioning_activity (
    org_id    uuid not null references organizations (id) on delete cascade,
    hour      timestamptz not null,          -- the start of the hour (UTC)
    requests  int not null,
    failures  int not null,                  -- status >= 400
    primary key (org_id, hour)
);
-- the retention sweep: delete where hour < cutoff, across organizations
create index provisioning_activity_hour on provisioning_activity (hour);
