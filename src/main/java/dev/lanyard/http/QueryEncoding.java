package dev.lanyard.http;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The query string must be well-formed percent-encoded UTF-8 (RFC 3986 §2.1). Jetty checks the
 * path this way but passes a query such as {@code filter=%} or {@code filter=%C3%28} on, and the
 * decoded parameter then silently differs from what the client meant. Refused with 400 before any
 * route runs. Control characters are left to each parameter's own check (a filter with U+0000 is
 * 400 {@code invalidFilter}, which says more).
 */
public final class QueryEncoding {
    private QueryEncoding() {}

    public static void check(Context ctx) {
        String query = ctx.queryString();
        if (query == null || query.isEmpty()) return;
        problem(query).ifPresent(p -> {
            throw new BadRequestResponse("the query string is not valid: " + p + "; encode each byte that is not a "
                    + "letter, digit or one of -._~ as %XX (UTF-8)");
        });
    }

    static Optional<String> problem(String query) {
        if (plainAscii(query)) return Optional.empty();
        return decodedProblem(query);
    }

    /**
     * The common case, checked without building anything: only ASCII characters, and every % is
     * followed by two hex digits that encode an ASCII byte. Such a query is well-formed UTF-8 by
     * construction; anything else takes the full check.
     */
    private static boolean plainAscii(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c >= 0x80) return false;
            if (c == '%') {
                if (i + 2 >= query.length()) return false;
                int hi = Character.digit(query.charAt(i + 1), 16);
                int lo = Character.digit(query.charAt(i + 2), 16);
                if (hi < 0 || hi > 7 || lo < 0) return false;
                i += 2;
            }
        }
        return true;
    }

    /** The full check: each part's bytes, %-decoded, must be UTF-8. */
    static Optional<String> decodedProblem(String query) {
        for (String part : query.split("[&=]", -1)) {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(part.length());
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c == '%') {
                    if (i + 2 >= part.length()) {
                        return Optional.of("a % is not followed by two hex digits");
                    }
                    int hi = Character.digit(part.charAt(i + 1), 16);
                    int lo = Character.digit(part.charAt(i + 2), 16);
                    if (hi < 0 || lo < 0) return Optional.of("a % is not followed by two hex digits");
                    int b = hi * 16 + lo;
                    bytes.write(b);
                    i += 2;
                } else {
                    // a raw character (clients should encode non-ASCII, some do not): its UTF-8 bytes
                    bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                }
            }
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes.toByteArray()));
            } catch (CharacterCodingException e) {
                return Optional.of("a %-encoded sequence is not UTF-8");
            }
        }
        return Optional.empty();
    }
}
