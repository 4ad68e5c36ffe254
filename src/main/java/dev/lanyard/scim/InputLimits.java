package dev.lanyard.scim;

/**
 * How much one SCIM request may ask of the server. SCIM has a place to advertise only some of
 * these (bulk and filter limits in /ServiceProviderConfig, RFC 7643 §5); the rest are listed in
 * the README and named in the error that enforces them (400 {@code invalidValue}).
 *
 * <p>Lengths count UTF-16 code units, as Java and JSON do. The indexed strings stay well under
 * PostgreSQL's btree and GIN entry limit (about 2.7 KB): 512 units are at most 1.5 KB of UTF-8.
 */
public final class InputLimits {
    /** Operations in one PATCH (RFC 7644 §3.5.2 sets no limit; IdPs send a handful). */
    public static final int MAX_PATCH_OPERATIONS = 100;
    /** Values of one multi-valued attribute (emails, phoneNumbers, roles, ...). */
    public static final int MAX_VALUES = 100;
    /** externalId, displayName and emails.value: indexed, so kept short. */
    public static final int MAX_INDEXED_STRING = 512;
    /** Any other string or reference (titles, URLs, addresses). */
    public static final int MAX_STRING = 2048;
    /** x509Certificates.value: a base64 DER certificate, a few KB. */
    public static final int MAX_BINARY = 16_384;

    private InputLimits() {}

    /** The longest value {@code attribute} (a canonical path such as {@code emails.value}) may hold. */
    static int maxLength(String attribute, boolean binary) {
        if (binary) return MAX_BINARY;
        return switch (attribute) {
            case "externalId", "displayName", "emails.value" -> MAX_INDEXED_STRING;
            default -> MAX_STRING;
        };
    }
}
