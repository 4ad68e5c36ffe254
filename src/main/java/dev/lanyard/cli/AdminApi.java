package dev.lanyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;
import java.util.stream.StreamSupport;

/**
 * The admin API's JSON bodies as the command line sees them. JSON {@code null} and absent fields become
 * {@link Optional#empty()} here, once; a missing required field means the server speaks another
 * version of the API, reported as such rather than as a {@code NullPointerException} later.
 */
final class AdminApi {

    private AdminApi() {}

    /** {@code {"id","name","provisioningEnabled","usernameChangePolicy","scimUrl","createdAt"}} */
    record Organization(String id, String name, boolean provisioningEnabled, UsernamePolicy usernameChangePolicy,
                        String scimUrl, String createdAt) {
        static Organization from(JsonNode json) {
            return new Organization(required(json, "id"), required(json, "name"),
                    json.path("provisioningEnabled").asBoolean(false), UsernamePolicy.fromWire(required(json, "usernameChangePolicy")),
                    required(json, "scimUrl"), required(json, "createdAt"));
        }
    }

    /**
     * What a userName change from the IdP does: {@code new-account} (the default: invalidate the
     * account, create a new one) or {@code rename-in-place}. Typed with "-" on the command line
     * (picocli matches {@link #toString}, in any case), sent with "_" to the admin API.
     */
    enum UsernamePolicy {
        NEW_ACCOUNT, RENAME_IN_PLACE;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        static UsernamePolicy fromWire(String value) {
            for (UsernamePolicy p : values()) if (p.wire().equals(value)) return p;
            throw new CliException("unexpected username change policy \"" + value + "\" from the server: "
                    + "is it a Lanyard server of the same version?");
        }

        @Override
        public String toString() {
            return wire().replace('_', '-');
        }
    }

    /** The answer to {@code POST .../tokens}: the only time the secret is ever sent. */
    record IssuedToken(String id, Optional<String> label, String token, String scimUrl) {
        static IssuedToken from(JsonNode json) {
            return new IssuedToken(required(json, "id"), optional(json, "label"), required(json, "token"), required(json, "scimUrl"));
        }
    }

    /** The answer to {@code POST .../admins}: the only time the one-time password is ever sent. */
    record CreatedAdmin(String id, String email, String password, Optional<String> loginUrl) {
        static CreatedAdmin from(JsonNode json) {
            return new CreatedAdmin(required(json, "id"), required(json, "email"), required(json, "password"),
                    optional(json, "loginUrl"));
        }
    }

    /** {@code {"id","label","createdBy","createdAt","lastUsedAt"}}; an active provisioning token, without its secret. */
    record TokenInfo(String id, Optional<String> label, Optional<String> prefix, Optional<String> createdBy, String createdAt,
                     Optional<String> lastUsedAt) {
        static TokenInfo from(JsonNode json) {
            return new TokenInfo(required(json, "id"), optional(json, "label"), optional(json, "prefix"),
                    optional(json, "createdBy"), required(json, "createdAt"), optional(json, "lastUsedAt"));
        }
    }

    /** A managed account; {@code successorId} is the account that replaced it after a username change. */
    record Account(String id, String email, String status, Optional<String> scimId, Optional<String> externalId,
                   Optional<String> successorId, String createdAt, String updatedAt) {
        static Account from(JsonNode json) {
            return new Account(required(json, "id"), required(json, "email"), required(json, "status"),
                    optional(json, "scimId"), optional(json, "externalId"), optional(json, "successorId"),
                    required(json, "createdAt"), required(json, "updatedAt"));
        }
    }

    /** The filter values of {@code GET .../accounts?status=}; picocli accepts them in any case. */
    enum AccountStatus {
        ACTIVE, DEACTIVATED, INVALIDATED, DISABLED;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    static <T> List<T> list(JsonNode json, String field, java.util.function.Function<JsonNode, T> item) {
        JsonNode array = json.path(field);
        if (!array.isArray()) throw unexpected(field);
        return StreamSupport.stream(array.spliterator(), false).map(item).toList();
    }

    static String required(JsonNode json, String field) {
        JsonNode value = json.path(field);
        if (!value.isValueNode() || value.isNull()) throw unexpected(field);
        return value.asText();
    }

    static Optional<String> optional(JsonNode json, String field) {
        JsonNode value = json.path(field);
        return value.isValueNode() && !value.isNull() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static CliException unexpected(String field) {
        return new CliException("unexpected answer from the server (no \"" + field + "\"): is it a Lanyard server of the same version?");
    }
}
