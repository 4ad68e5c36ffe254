package dev.lanyard.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Times as the console shows them: to the second, in UTC, labelled so. People compare them with
 * their IdP's logs, which also speak UTC; the {@code <time datetime>} attribute keeps the exact
 * instant for anyone who needs it (console/time.jte).
 */
public final class Times {
    private static final DateTimeFormatter TEXT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Times() {}

    public static String text(Instant at) {
        return TEXT.format(at);
    }
}
