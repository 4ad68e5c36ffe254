-- Why a logged SCIM request failed, as a stable code (dev.lanyard.domain.FailureReason, e.g.
-- 'username_not_email'), decided where the failure was written. The hint the console and the
-- admin API show is keyed by it, never by the error message's words. Null for successes and for
-- entries written before this column existed (their hint comes from status and scim_type).
alter table provisioning_log add column reason text;
