package dev.lanyard.scim;

import java.util.List;
import java.util.Optional;

/**
 * An attribute path as RFC 7644 §3.10 writes it: an optional schema URN, an attribute and an
 * optional sub-attribute, split at dots.
 *
 * <pre>
 * emails.value                                                          []           [emails, value]
 * urn:ietf:params:scim:schemas:core:2.0:User:userName                   []           [userName]
 * urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value   [urn:...enterprise:2.0:User]  [manager, value]
 * </pre>
 *
 * The resource's core schema URN is the default, so it is dropped; an extension's URN is kept.
 * Request bodies, PATCH paths, sortBy, filters and attributes / excludedAttributes all go through
 * here, so a path means the same wherever a client writes it. URNs compare in any letter case,
 * as attribute names do (RFC 7643 §2.1).
 *
 * @param extensionUrn the extension schema the attribute belongs to; empty for the core schema
 * @param names        the attribute, then the sub-attribute if any, as written
 */
public record AttributePath(Optional<String> extensionUrn, List<String> names) {
    public AttributePath {
        names = List.copyOf(names);
    }

    /**
     * Splits {@code text}: a prefix of one of {@code extensionUrns} followed by ":" becomes the
     * extension; a prefix of {@code coreUrn} followed by ":" is dropped; the rest splits at dots.
     */
    public static AttributePath parse(String text, String coreUrn, List<String> extensionUrns) {
        String rest = withoutCoreUrn(text, coreUrn);
        for (String urn : extensionUrns) {
            if (hasUrnPrefix(rest, urn)) {
                return new AttributePath(Optional.of(rest.substring(0, urn.length())),
                        List.of(rest.substring(urn.length() + 1).split("\\.")));
            }
        }
        return new AttributePath(Optional.empty(), List.of(rest.split("\\.")));
    }

    /** {@code text} without a leading {@code coreUrn + ":"} (any case); unchanged if it has none or nothing follows. */
    public static String withoutCoreUrn(String text, String coreUrn) {
        return text.length() > coreUrn.length() + 1 && hasUrnPrefix(text, coreUrn) ? text.substring(coreUrn.length() + 1) : text;
    }

    /**
     * The URN of an already parsed path (the SCIM SDK's {@code Path.getSchemaUrn()}) as an
     * extension: empty when there is none or it is one of the resource's core URNs.
     */
    public static Optional<String> extension(String schemaUrn, List<String> coreUrns) {
        if (schemaUrn == null) return Optional.empty();
        return coreUrns.stream().anyMatch(schemaUrn::equalsIgnoreCase) ? Optional.empty() : Optional.of(schemaUrn);
    }

    private static boolean hasUrnPrefix(String text, String urn) {
        return text.length() > urn.length() && text.regionMatches(true, 0, urn, 0, urn.length()) && text.charAt(urn.length()) == ':';
    }
}
