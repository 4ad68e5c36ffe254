package dev.lanyard.provisioning;

import com.unboundid.scim2.common.exceptions.PreconditionFailedException;

import java.util.Optional;

/**
 * If-Match / If-None-Match (RFC 7644 §3.14, RFC 9110 §13.1) against our weak ETags W/"N".
 * Absent or "*" puts no condition; a tag that is not one of ours can never match.
 */
final class ETags {
    private ETags() {}

    /** The version an If-Match header demands, if any. */
    static Optional<Long> ifMatch(String header) throws PreconditionFailedException {
        if (header == null || header.isBlank() || header.strip().equals("*")) return Optional.empty();
        Optional<Long> version = version(header);
        if (version.isEmpty()) {
            throw new PreconditionFailedException("If-Match " + header.strip() + " is not a version of this resource; "
                    + "send the ETag (meta.version) you received");
        }
        return version;
    }

    static Optional<Long> version(String tag) {
        String t = tag.strip();
        if (t.startsWith("W/")) t = t.substring(2);
        if (t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"")) t = t.substring(1, t.length() - 1);
        try {
            return Optional.of(Long.parseLong(t));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** If-Match and If-None-Match of a change (PUT, PATCH, DELETE) as the account service checks them. */
    static dev.lanyard.account.Precondition precondition(io.javalin.http.Context ctx) throws PreconditionFailedException {
        return precondition(ctx.header("If-Match"), ctx.header("If-None-Match"));
    }

    /**
     * The same from the header values (null when absent); a bulk operation's {@code version}
     * comes in as {@code match} (RFC 7644 §3.7).
     */
    static dev.lanyard.account.Precondition precondition(String match, String none) throws PreconditionFailedException {
        // If-Match may list several tags (RFC 9110 §13.1.1): any of them will do.
        java.util.Set<Long> matches = new java.util.HashSet<>();
        if (match != null && !match.isBlank() && !match.strip().equals("*")) {
            for (String tag : match.split(",")) version(tag).ifPresent(matches::add);
            if (matches.isEmpty()) ifMatch(match);  // none of ours: 412 with the explanation
        }
        java.util.Set<Long> versions = new java.util.HashSet<>();
        boolean any = false;
        if (none != null) {
            for (String tag : none.split(",")) {
                if (tag.strip().equals("*")) any = true;
                version(tag).ifPresent(versions::add);
            }
        }
        return new dev.lanyard.account.Precondition(java.util.Set.copyOf(matches), java.util.Set.copyOf(versions), any);
    }

    /** True when If-None-Match names the current version (or "*"): answer 304. */
    static boolean noneMatch(String header, long current) {
        if (header == null || header.isBlank()) return false;
        for (String tag : header.split(",")) {
            if (tag.strip().equals("*") || version(tag).filter(v -> v == current).isPresent()) return true;
        }
        return false;
    }
}
