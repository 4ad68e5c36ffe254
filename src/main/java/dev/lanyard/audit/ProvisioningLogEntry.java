package dev.lanyard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.domain.FailureReason;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One SCIM request of an organization's IdP, as the provisioning log keeps it.
 *
 * @param requestBody the body with secrets redacted ({@link Redaction}); empty for GET and DELETE
 * @param reason      for a failure, why ({@link FailureReason}, set where the failure was written); empty for
 *                    a success and for entries written before V65
 * @param subject     with which token, and about which user, when known
 */
public record ProvisioningLogEntry(UUID orgId, Instant at, String method, String path, Optional<String> query,
                                   String client, int status, double durationMs, Optional<String> scimType,
                                   Optional<String> detail, Optional<FailureReason> reason, Optional<JsonNode> requestBody,
                                   Subject subject) {

    /**
     * Who sent the request and whom it was about: the token that authenticated it, the userName
     * (of the account it touched, else the one in the body) and the account it touched.
     */
    public record Subject(Optional<UUID> tokenId, Optional<String> userName, Optional<UUID> accountId) {
        public static final Subject NONE = new Subject(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Roughly what the entry takes in the queue and in the table (the text it stores, plus the fixed columns). */
    public int approxBytes() {
        return 64 + path.length() + query.map(String::length).orElse(0) + detail.map(String::length).orElse(0)
                + client.length() + requestBody.map(b -> b.toString().length()).orElse(0);
    }

    public boolean failed() {
        return status >= 400;
    }

    /** For a failure, why: the stored reason, else (an entry from before V65) what its status and SCIM type say. */
    public Optional<FailureReason> failureReason() {
        return failed() ? Optional.of(reason.orElseGet(() -> FailureReason.of(status, scimType.orElse(null)))) : Optional.empty();
    }

    /** For a failure: what to change, in plain words (computed when read, so hints improve over time). */
    public Optional<String> hint() {
        return failureReason().flatMap(FailureHints::hint);
    }
}
