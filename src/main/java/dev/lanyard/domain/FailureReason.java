package dev.lanyard.domain;

import java.util.Arrays;
import java.util.Optional;

/**
 * Why a request failed, as a stable code stored with the provisioning log entry
 * ({@code provisioning_log.reason}, V65). Decided where the failure is written
 * ({@code http.Errors}), never recovered later from the message text: the hint the admin reads
 * ({@code audit.FailureHints}) is keyed by this code, so rewording an error message cannot lose it.
 */
public enum FailureReason {
    /** 401: the bearer token is missing, unknown, revoked or another organization's. */
    TOKEN_INVALID,
    /** 403: the organization's user provisioning is switched off. */
    PROVISIONING_DISABLED,
    /** 403 for anything else the endpoint refuses (a filter on a discovery endpoint). */
    FORBIDDEN,
    /** 400: the userName is not an email address (the product's rule). */
    USERNAME_NOT_EMAIL,
    /** 409: another user of the organization has this userName (or a group this displayName). */
    NOT_UNIQUE,
    /** 404 of the router: the address is not a SCIM endpoint (a wrong base URL in the IdP). */
    UNKNOWN_ENDPOINT,
    /** 405: the endpoint exists, the method does not. */
    METHOD_NOT_ALLOWED,
    /** 404 of a resource: no user or group with that id (deleted by the IdP or by hand). */
    RESOURCE_NOT_FOUND,
    /** 413: the body is over the limit. */
    TOO_LARGE,
    INVALID_FILTER,
    INVALID_SYNTAX,
    /** invalidPath or noTarget: a PATCH path that cannot be applied. */
    INVALID_PATH,
    MUTABILITY,
    INVALID_VALUE,
    /** 400 tooMany, invalidCursor, invalidCount, invalidVers and the rest of RFC 7644's scimTypes. */
    BAD_REQUEST,
    /** 412: If-Match named another version. */
    VERSION_MISMATCH,
    /** 429: over the token's rate or the organization's concurrent requests. */
    RATE_LIMITED,
    /** 503: the database was busy (lock or statement timeout, no free connection). */
    BUSY,
    /** 503: the mass-deprovisioning safeguard held a deactivation or deletion for an admin (docs/safeguard.md). */
    HELD_BY_SAFEGUARD,
    /** 501: a feature Lanyard does not offer (/Me). */
    NOT_IMPLEMENTED,
    /** 500: a bug or a lost database. */
    SERVER_ERROR,
    /** Any other failure status. */
    OTHER;

    /** The stored form: {@code username_not_email}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Optional<FailureReason> fromCode(String code) {
        return Arrays.stream(values()).filter(r -> r.code().equals(code)).findFirst();
    }

    /**
     * What a status and SCIM error type say by themselves: for failures that carry no more
     * specific reason, and for log entries written before reasons were stored.
     */
    public static FailureReason of(int status, String scimType) {
        String type = scimType == null ? "" : scimType;
        return switch (type) {
            case "uniqueness" -> NOT_UNIQUE;
            case "invalidFilter" -> INVALID_FILTER;
            case "invalidSyntax" -> INVALID_SYNTAX;
            case "invalidPath", "noTarget" -> INVALID_PATH;
            case "mutability" -> MUTABILITY;
            case "invalidValue" -> INVALID_VALUE;
            default -> switch (status) {
                case 401 -> TOKEN_INVALID;
                case 403 -> FORBIDDEN;
                case 404 -> RESOURCE_NOT_FOUND;
                case 405 -> METHOD_NOT_ALLOWED;
                case 409 -> NOT_UNIQUE;
                case 412 -> VERSION_MISMATCH;
                case 413 -> TOO_LARGE;
                case 429 -> RATE_LIMITED;
                case 501 -> NOT_IMPLEMENTED;
                case 503 -> BUSY;
                default -> status >= 500 ? SERVER_ERROR : status == 400 ? BAD_REQUEST : OTHER;
            };
        };
    }
}
