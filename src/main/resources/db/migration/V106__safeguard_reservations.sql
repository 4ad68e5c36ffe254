-- The safeguard counts a removal before the removal's own transaction (docs/safeguard.md, "Cost and
-- concurrency"), so deactivations of one organization no longer wait for each other's commits.
-- A reservation is this minute's safeguard_removals bucket + 1 and one row here, written together
-- in one short transaction; the removal's transaction deletes the row when it applies the removal
-- (so the row exists exactly while the removal is counted but not applied), and a removal that is
-- not applied deletes the row and takes its 1 back, again together.
--   id: from a sequence, taken under the organization's count lock, so it orders the
--       organization's removals as they were counted (a trip names the first one it holds: trip_seq)
--   minute: the bucket the removal was counted in
-- Rows of requests that died half-way stay until swept with the buckets: their bucket keeps the
-- 1 (the count errs on the safe side) and the percent rule's count of active accounts stays exact.
create table safeguard_reservations (
    id      bigint generated always as identity primary key,
    org_id  uuid not null references organizations (id) on delete cascade,
    minute  timestamptz not null
);
create index safeguard_reservations_org on safeguard_reservations (org_id, minute);

-- The reservation whose removal tripped the safeguard: removals counted before it still apply
-- (they came first and were within the limit), every one counted after it is held.
alter table safeguard_settings add column trip_seq bigint;
