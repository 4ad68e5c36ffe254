package dev.lanyard.scim;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a filter (RFC 7644 §3.4.2.2) with the SCIM SDK. A filter the grammar refuses gets one
 * more chance after {@link IdpQuirks#normaliseFilter}, which rewrites forms real IdPs send; if
 * that fails too, the original parse error is reported, so a client learns what is wrong with
 * what it sent.
 */
public final class ScimFilters {
    /** Filters longer than this are refused before parsing (they are never legitimate). */
    public static final int MAX_LENGTH = 2048;

    private ScimFilters() {}

    public static Filter parse(String text) throws BadRequestException {
        if (text.length() > MAX_LENGTH) {
            throw BadRequestException.invalidFilter("the filter is longer than " + MAX_LENGTH + " characters");
        }
        try {
            return Filter.fromString(text);
        } catch (BadRequestException | RuntimeException original) {
            String rewritten = IdpQuirks.normaliseFilter(text);
            if (!rewritten.equals(text)) {
                try {
                    return Filter.fromString(rewritten);
                } catch (BadRequestException | RuntimeException ignored) {
                    // report the client's own text below
                }
            }
            throw BadRequestException.invalidFilter("the filter cannot be parsed: " + concise(original.getMessage())
                    + "; example of a valid filter: userName eq \"ann@example.com\"");
        }
    }

    /** The SDK's parse message up to its position, without the JSON parser's internals after it. */
    private static String concise(String message) {
        if (message == null) return "syntax error";
        Matcher m = Pattern.compile("^(.*?at position \\d+)").matcher(message);
        if (m.find()) return m.group(1);
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
