package dev.lanyard.sso;

import java.util.Locale;
import java.util.Optional;

/**
 * Why a SAML sign-in was refused: a stable code for the sign-in log and tests, the reason in
 * plain words, and (where there is one) a hint saying what to change. Thrown by the verifier and
 * the sign-in service; never shows more to the browser than the reason.
 */
public final class Refusal extends Exception {
    /** The codes, one per check; {@link #code()} is the lower-case name. */
    public enum Reason {
        NOT_CONFIGURED, DISABLED, NOT_BASE64, TOO_LARGE, DOCTYPE, TOO_DEEP, MALFORMED, NOT_A_RESPONSE, BAD_VERSION,
        STATUS_NOT_SUCCESS, ENCRYPTED_ASSERTION, ASSERTION_COUNT, DUPLICATE_ID, UNSIGNED, SIGNATURE_REFERENCE,
        UNSUPPORTED_ALGORITHM, WEAK_ALGORITHM, UNKNOWN_CERTIFICATE, BAD_SIGNATURE, WRONG_ISSUER, WRONG_DESTINATION,
        WRONG_AUDIENCE, WRONG_RECIPIENT, NO_BEARER_CONFIRMATION, NOT_YET_VALID, EXPIRED, UNKNOWN_REQUEST,
        UNEXPECTED_IN_RESPONSE_TO, NAMEID_TAMPERED, NO_EMAIL, REPLAYED, LIBRARY_REFUSED, UNKNOWN_ACCOUNT,
        ACCOUNT_INACTIVE, NOT_A_CONSOLE_ADMIN;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Reason reason;
    private final String hint;

    public Refusal(Reason reason, String detail) {
        this(reason, detail, null);
    }

    public Refusal(Reason reason, String detail, String hint) {
        super(detail, null, false, false);
        this.reason = reason;
        this.hint = hint;
    }

    public Reason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }

    public Optional<String> hint() {
        return Optional.ofNullable(hint);
    }
}
