package dev.lanyard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.domain.FailureReason;
import dev.lanyard.domain.JsonBuffers;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One SCIM request of an organization's IdP, as the provisioning log keeps it.
 *
 * @param requestBodyJson the body with secrets redacted, as JSON text ({@link Redaction#forLogText}); empty
 *                        for GET and DELETE. Text, not a tree: it is measured, queued and stored as
 *                        text, and serializing a tree each time was most of the log's cost per request
 * @param reason      for a failure, why ({@link FailureReason}, set where the failure was written); empty for
 *                    a success and for entries written before V65
 * @param subject     with which token, and about which user, when known
 */
public record ProvisioningLogEntry(UUID orgId, Instant at, String method, String path, Optional<String> query,
                                   String client, int status, double durationMs, Optional<String> scimType,
                                   Optional<String> detail, Optional<FailureReason> reason, Optional<String> requestBodyJson,
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
                + client.length() + requestBodyJson.map(String::length).orElse(0);
    }

    /** The stored body as JSON, for showing it; empty if there is none (or, from an old row, it does not parse). */
    public Optional<JsonNode> requestBody() {
        return requestBodyJson.flatMap(text -> {
            try {
                return Optional.of(READER.readTree(text));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return Optional.empty();
            }
        });
    }

    private static final com.fasterxml.jackson.databind.ObjectReader READER = JsonBuffers.pooled(new com.fasterxml.jackson.databind.ObjectMapper()).reader();

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
