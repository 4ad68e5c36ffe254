package dev.lanyard.scim;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import com.unboundid.scim2.common.filters.Filter;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a filter (RFC 7644 §3.4.2.2) with the SCIM SDK. A filter the grammar refuses gets one
 * more chance after the rewrites below, each a form a real IdP sends; if that fails too, the
 * original parse error is reported, so a client always learns what is wrong with what it sent.
 */
public final class ScimFilters {
    /** Filters longer than this are refused before parsing (they are never legitimate). */
    public static final int MAX_LENGTH = 2048;

    /**
     * {@code emails[type eq "work"].value eq "x"}: Entra ID's uniqueness check on the work email
     * (idp-clients.md b.1). Not in the grammar (a value path ends at "]"); it means
     * {@code emails[type eq "work" and value eq "x"]}.
     */
    private static final Pattern SUB_AFTER_VALUE_PATH = Pattern.compile(
            "([A-Za-z][\\w:.$-]*)\\[([^\\[\\]]+)]\\.([A-Za-z][\\w$-]*)\\s+(?i:(eq|ne|co|sw|ew|gt|ge|lt|le)\\s+(\"(?:[^\"\\\\]|\\\\.)*\"|[^\\s()\\[\\]]+)|(pr))");

    /**
     * {@code externalId eq jyoung}, {@code meta.Created gt 2015-10-10T14:38:21.86-07:00}: unquoted
     * strings in Microsoft's documentation and legacy Postman suite (idp-clients.md b.1, b.2).
     * Any bare value that is not true, false, null or a number is taken as a string.
     */
    private static final Pattern BARE_VALUE = Pattern.compile(
            "(?i)(\\s(?:eq|ne|co|sw|ew|gt|ge|lt|le)\\s+)([^\"\\s()\\[\\]][^\\s()\\[\\]]*)");
    private static final Pattern LITERAL = Pattern.compile("(?i)true|false|null|-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");

    private ScimFilters() {}

    public static Filter parse(String text) throws BadRequestException {
        if (text.length() > MAX_LENGTH) {
            throw BadRequestException.invalidFilter("the filter is longer than " + MAX_LENGTH + " characters");
        }
        try {
            return Filter.fromString(text);
        } catch (BadRequestException | RuntimeException original) {
            String rewritten = normalise(text);
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

    /** The IdP forms above rewritten into the grammar; anything else unchanged. */
    static String normalise(String text) {
        String out = quoteBareValues(text);
        Matcher m = SUB_AFTER_VALUE_PATH.matcher(out);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String comparison = m.group(6) != null ? m.group(3) + " pr" : m.group(3) + " " + m.group(4) + " " + m.group(5);
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + "[" + m.group(2) + " and " + comparison + "]"));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String quoteBareValues(String text) {
        Matcher m = BARE_VALUE.matcher(text);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = m.group(2);
            String replacement = LITERAL.matcher(value).matches() ? value
                    : "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1) + replacement));
        }
        m.appendTail(sb);
        return sb.toString();
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
