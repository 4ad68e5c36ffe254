package dev.lanyard.directory;

import dev.lanyard.domain.DomainException;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Optional;

/**
 * A position in the event feed: the (transaction id, sequence number) of the last event read.
 * The feed returns events strictly after it, in (xid, seq) order (docs/events.md says why that
 * order never skips an event committed late).
 *
 * <p>On the wire it is opaque: base64url (RFC 4648 §5, no padding) of a format byte (1), then
 * xid and seq as 8-byte big-endian numbers: 23 characters, e.g. {@code AQAAAAAAAAL2AAAAAAAAAAc}.
 * Anything else is refused with 400 before a query runs.
 *
 * @param xid the writing transaction's id (PostgreSQL xid8; 64 bits with its epoch, never wraps)
 * @param seq the event's place in the global sequence
 */
public record EventCursor(long xid, long seq) implements Comparable<EventCursor> {
    /** Before every event. */
    public static final EventCursor START = new EventCursor(0, 0);
    static final int ENCODED_LENGTH = 23;
    private static final byte FORMAT = 1;

    public EventCursor {
        if (xid < 0 || seq < 0) throw new IllegalArgumentException("xid and seq are never negative");
    }

    public String encode() {
        ByteBuffer b = ByteBuffer.allocate(17).put(FORMAT).putLong(xid).putLong(seq);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    /** The cursor a client sent; empty or absent means the start of the feed. */
    public static EventCursor parse(Optional<String> text) {
        if (text.isEmpty() || text.get().isEmpty()) return START;
        String t = text.get();
        if (t.length() != ENCODED_LENGTH || !t.chars().allMatch(EventCursor::base64url)) throw invalid();
        byte[] raw = Base64.getUrlDecoder().decode(t);
        ByteBuffer b = ByteBuffer.wrap(raw);
        if (raw.length != 17 || b.get() != FORMAT) throw invalid();
        long xid = b.getLong();
        long seq = b.getLong();
        if (xid < 0 || seq < 0) throw invalid();
        // The decoder ignores the unused low bits of the last character: the canonical form only,
        // so one position has one spelling.
        EventCursor cursor = new EventCursor(xid, seq);
        if (!cursor.encode().equals(t)) throw invalid();
        return cursor;
    }

    @Override
    public int compareTo(EventCursor o) {
        int c = Long.compare(xid, o.xid);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }

    private static boolean base64url(int ch) {
        return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
    }

    private static DomainException.Invalid invalid() {
        return new DomainException.Invalid("after is not a cursor this feed gave out: pass the next_cursor of the previous "
                + "page unchanged, or leave after out to start at the oldest event kept");
    }
}
