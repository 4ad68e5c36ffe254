package dev.lanyard.directory;

import dev.lanyard.domain.DomainException;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;

/**
 * The wire form of every cursor the apps' API hands out: base64url (RFC 4648 §5, no padding) of
 * a format byte and two 8-byte big-endian numbers, 23 characters. The format byte tells the
 * kinds apart (an accounts cursor is no events cursor); only the canonical spelling is accepted,
 * and anything else is a 400 before a query runs.
 */
final class OpaqueCursor {
    static final int LENGTH = 23;
    static final byte EVENTS = 1;
    static final byte ACCOUNTS = 2;
    static final byte GROUPS = 3;
    static final byte MEMBERS = 4;

    private OpaqueCursor() {}

    static String encode(byte format, long a, long b) {
        ByteBuffer buf = ByteBuffer.allocate(17).put(format).putLong(a).putLong(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
    }

    /** The two numbers of a cursor of this format; empty when none was sent. */
    static Optional<long[]> decode(byte format, Optional<String> text, String what) {
        if (text.isEmpty() || text.get().isEmpty()) return Optional.empty();
        String t = text.get();
        if (t.length() != LENGTH || !t.chars().allMatch(OpaqueCursor::base64url)) throw invalid(what);
        ByteBuffer buf = ByteBuffer.wrap(Base64.getUrlDecoder().decode(t));
        if (buf.remaining() != 17 || buf.get() != format) throw invalid(what);
        long a = buf.getLong();
        long b = buf.getLong();
        // The decoder ignores the unused low bits of the last character: one position, one spelling.
        if (!encode(format, a, b).equals(t)) throw invalid(what);
        return Optional.of(new long[] {a, b});
    }

    private static boolean base64url(int ch) {
        return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    }

    static DomainException.Invalid invalid(String what) {
        return new DomainException.Invalid("after is not a cursor of this " + what + ": pass the next_cursor of the "
                + "previous page unchanged, or leave after out to start at the beginning");
    }
}
