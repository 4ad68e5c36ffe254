-- Why a console session ended before its time, so the sign-in page can tell an admin "signed out
-- because your password was changed elsewhere" apart from "your session expired". A session ended
-- that way stays as a row (no longer valid: find() asks for ended is null) until its expiry, when
-- the sweep at each sign-in deletes it like any other: the table does not grow.
alter table console_sessions add column ended text
    constraint console_sessions_ended check (ended in ('password_changed', 'password_reset'));
