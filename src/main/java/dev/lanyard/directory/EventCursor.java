package dev.lanyard.directory;

import java.util.Optional;

/**
 * A position in the event feed: the (transaction id, sequence number) of the last event read.
 * The feed returns events strictly after it, in (xid, seq) order (docs/events.md says why that
 * order never skips an event committed late). On the wire it is an {@link OpaqueCursor}, e.g.
 * {@code AQAAAAAAAAL2AAAAAAAAAAc}.
 *
 * @param xid the writing transaction's id (PostgreSQL xid8: 64 bits with its epoch, never wraps)
 * @param seq the event's place in the global sequence
 */
public record EventCursor(long xid, long seq) implements Comparable<EventCursor> {
    /** Before every event. */
    public static final EventCursor START = new EventCursor(0, 0);

    public EventCursor {
        if (xid < 0 || seq < 0) throw new IllegalArgumentException("xid and seq are never negative");
    }

    public String encode() {
        return OpaqueCursor.encode(OpaqueCursor.EVENTS, xid, seq);
    }

    /** The cursor a client sent; empty or absent means the start of the feed. Else 400 unless valid. */
    public static EventCursor parse(Optional<String> text) {
        return OpaqueCursor.decode(OpaqueCursor.EVENTS, text, "event feed").map(v -> {
            if (v[0] < 0 || v[1] < 0) throw OpaqueCursor.invalid("event feed");
            return new EventCursor(v[0], v[1]);
        }).orElse(START);
    }

    @Override
    public int compareTo(EventCursor o) {
        int c = Long.compare(xid, o.xid);
        return c != 0 ? c : Long.compare(seq, o.seq);
    }
}
