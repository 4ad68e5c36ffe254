-- A storage budget per organization for the provisioning log (docs/security.md): each row knows
-- roughly how many bytes it takes, and provisioning_log_usage keeps each organization's sum, kept
-- by the log writer in the same transactions that insert and delete rows. Over the budget, the
-- organization's oldest entries go first.
alter table provisioning_log add column stored_bytes integer not null default 0;
update provisioning_log
   set stored_bytes = 64 + octet_length(path) + coalesce(octet_length(query), 0) + coalesce(octet_length(detail), 0)
                     + coalesce(octet_length(request_body::text), 0);
create table provisioning_log_usage (
    org_id uuid primary key references organizations (id) on delete cascade,
    bytes  bigint not null default 0
);
insert into provisioning_log_usage (org_id, bytes)
select org_id, sum(stored_bytes) from provisioning_log group by org_id;
