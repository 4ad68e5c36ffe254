package dev.lanyard.domain;

/**
 * A request the domain refuses, with a message written for the person who sent it (never a
 * secret). The HTTP adapters map each kind once: SCIM to an Error response, the admin API to
 * its JSON error.
 */
public sealed class DomainException extends RuntimeException {
    private final FailureReason reason;

    private DomainException(String message) {
        this(message, null);
    }

    private DomainException(String message, FailureReason reason) {
        super(message);
        this.reason = reason;
    }

    /** A more specific reason than the kind says, when the thrower knows one (for the provisioning log's hint). */
    public java.util.Optional<FailureReason> reason() {
        return java.util.Optional.ofNullable(reason);
    }

    /** The thing named does not exist (or belongs to another organization: same answer). */
    public static final class NotFound extends DomainException {
        public NotFound(String message) { super(message); }

        public NotFound(FailureReason reason, String message) { super(message, reason); }
    }

    /** The request clashes with the current state (a duplicate name, deleting an active account). */
    public static final class Conflict extends DomainException {
        public Conflict(String message) { super(message); }
    }

    /** The request itself is wrong (a missing field, a value of the wrong shape). */
    public static final class Invalid extends DomainException {
        public Invalid(String message) { super(message); }

        public Invalid(FailureReason reason, String message) { super(message, reason); }
    }

    /** The client's copy is out of date (If-Match named another version). */
    public static final class Stale extends DomainException {
        public Stale(String message) { super(message); }
    }

    /** The organization has switched this capability off (user provisioning disabled). */
    public static final class Disabled extends DomainException {
        public Disabled(String message) { super(message); }
    }

    /**
     * Not now: the database did not answer in time (a row another request holds, a statement over
     * its time limit, no free connection) or a bounded queue is full. 503 with Retry-After.
     */
    public static final class Busy extends DomainException implements RetryLater {
        private final int retryAfterSeconds;

        public Busy(String message, int retryAfterSeconds) {
            super(message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        public Busy(FailureReason reason, String message, int retryAfterSeconds) {
            super(message, reason);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        public int retryAfterSeconds() { return retryAfterSeconds; }
    }

    /** The caller sent more than its share (a rate or concurrency limit). 429 with Retry-After. */
    public static final class RateLimited extends DomainException implements RetryLater {
        private final int retryAfterSeconds;

        public RateLimited(String message, int retryAfterSeconds) {
            super(message);
            this.retryAfterSeconds = retryAfterSeconds;
        }

        @Override
        public int retryAfterSeconds() { return retryAfterSeconds; }
    }

    /** An answer that tells the client when to try again (RFC 9110 §10.2.3 Retry-After, whole seconds). */
    public interface RetryLater {
        int retryAfterSeconds();
    }
}
