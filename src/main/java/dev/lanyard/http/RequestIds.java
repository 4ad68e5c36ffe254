package dev.lanyard.http;

import io.javalin.http.Context;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request id for correlating a client's report with the log: the caller's X-Request-Id if sane,
 * else ours. Ours need only be unique, not unguessable (nothing is granted by knowing one), so
 * it is a random prefix drawn once per process and a counter: a random UUID per request drew on
 * SecureRandom and was about 1.5 % of the server's CPU for a SCIM lookup (issue 16).
 */
public final class RequestIds {
    static final String ATTRIBUTE = "lanyard.requestId";
    static final int MAX_LENGTH = 64;

    /** 48 random bits: two processes (a restart, a second node) do not share a prefix in practice. */
    private static final String PREFIX = prefix();
    private static final AtomicLong NEXT = new AtomicLong();

    private RequestIds() {}

    public static void assign(Context ctx) {
        String given = ctx.header("X-Request-Id");
        String id = given != null && sane(given) ? given : next();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header("X-Request-Id", id);
    }

    public static String of(Context ctx) {
        String id = ctx.attribute(ATTRIBUTE);
        return id == null ? "-" : id;
    }

    private static String prefix() {
        byte[] bytes = new byte[6];
        new SecureRandom().nextBytes(bytes);  // nextBytes, not generateSeed: it never waits for the system's entropy
        return HexFormat.of().formatHex(bytes) + "-";
    }

    static String next() {
        return PREFIX + Long.toHexString(NEXT.incrementAndGet());
    }

    /** [A-Za-z0-9._-]{1,64}: safe to echo in a header and to write in a log line. */
    static boolean sane(String id) {
        if (id.isEmpty() || id.length() > MAX_LENGTH) return false;
        for (int i = 0; i < id.length(); i++) {
            char ch = id.charAt(i);
            boolean ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')
                    || ch == '.' || ch == '_' || ch == '-';
            if (!ok) return false;
        }
        return true;
    }
}
