package dev.lanyard.scim;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a filter (RFC 7644 §3.4.2.2) with the SCIM SDK, more strictly than the SDK alone: control
 * characters, unbalanced brackets, parentheses or quotes (the SDK reads {@code emails[type eq
 * "work"} as if it were closed) and values no database can hold (U+0000) are 400
 * {@code invalidFilter} naming the problem. A filter the grammar refuses gets one more chance
 * after {@link IdpQuirks#normaliseFilter}, which rewrites the exact forms real IdPs send; if
 * that fails too, the original parse error is reported, so a client learns what is wrong with
 * what it sent.
 */
public final class ScimFilters {
    /** Filters longer than this are refused before parsing (they are never legitimate). */
    public static final int MAX_LENGTH = 2048;

    static {
        ScimJson.poolSdkBuffers();
    }

    private ScimFilters() {}

    public static Filter parse(String text) throws BadRequestException {
        if (text.length() > MAX_LENGTH) {
            throw BadRequestException.invalidFilter("the filter is longer than " + MAX_LENGTH + " characters");
        }
        java.util.Optional<String> control = Brackets.controlCharacter(text);
        if (control.isPresent()) {
            throw BadRequestException.invalidFilter("the filter contains the control character " + control.get()
                    + "; a filter is text without control characters");
        }
        java.util.Optional<String> unbalanced = Brackets.problem(text);
        if (unbalanced.isPresent()) throw BadRequestException.invalidFilter("the filter " + unbalanced.get());
        try {
            return checkedValues(Filter.fromString(text));
        } catch (BadRequestException | RuntimeException original) {
            if (original instanceof BadRequestException b && isValueProblem(b)) throw b;
            String rewritten = IdpQuirks.normaliseFilter(text);
            if (!rewritten.equals(text)) {
                try {
                    return checkedValues(Filter.fromString(rewritten));
                } catch (BadRequestException | RuntimeException ignored) {
                    // report the client's own text below
                }
            }
            throw BadRequestException.invalidFilter("the filter cannot be parsed: " + concise(original.getMessage())
                    + "; example of a valid filter: userName eq \"ann@example.com\"");
        }
    }

    private static final String VALUE_PROBLEM = "a filter value contains ";

    private static boolean isValueProblem(BadRequestException e) {
        return e.getScimError().getDetail() != null && e.getScimError().getDetail().startsWith(VALUE_PROBLEM);
    }

    /**
     * Comparison values as the SDK decoded them ({@code "\u0000"} is a JSON escape for NUL):
     * PostgreSQL text cannot hold U+0000 or half a surrogate pair, so such a value could only fail
     * later, as a server error.
     */
    private static Filter checkedValues(Filter filter) throws BadRequestException {
        if (filter.isCombiningFilter()) {
            for (Filter f : filter.getCombinedFilters()) checkedValues(f);
        } else if (filter.isNotFilter()) {
            checkedValues(filter.getInvertedFilter());
        } else if (filter.isComplexValueFilter()) {
            checkedValues(filter.getValueFilter());
        } else if (filter.isComparisonFilter() && filter.getComparisonValue() != null
                && filter.getComparisonValue().isTextual()) {
            String value = filter.getComparisonValue().textValue();
            for (int i = 0; i < value.length(); i++) {
                char ch = value.charAt(i);
                boolean pair = Character.isHighSurrogate(ch) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1));
                if (pair) {
                    i++;
                } else if (ch == 0 || Character.isSurrogate(ch)) {
                    throw BadRequestException.invalidFilter(VALUE_PROBLEM + (ch == 0 ? "U+0000 (NUL)" : "a lone surrogate")
                            + ", which no stored value can contain: " + filter.getAttributePath());
                }
            }
        }
        return filter;
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
