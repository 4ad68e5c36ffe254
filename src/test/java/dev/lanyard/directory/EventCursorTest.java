package dev.lanyard.directory;

import dev.lanyard.domain.DomainException;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventCursorTest {
    @Test
    void a_cursor_survives_its_wire_form_for_any_position() {
        Random random = new Random(15);
        for (int i = 0; i < 10_000; i++) {
            var cursor = new EventCursor(random.nextLong() & Long.MAX_VALUE, random.nextLong() & Long.MAX_VALUE);
            String wire = cursor.encode();
            assertThat(wire).hasSize(OpaqueCursor.LENGTH).matches("[A-Za-z0-9_-]+");
            assertThat(EventCursor.parse(Optional.of(wire))).isEqualTo(cursor);
        }
        assertThat(EventCursor.parse(Optional.of(new EventCursor(Long.MAX_VALUE, Long.MAX_VALUE).encode())))
                .isEqualTo(new EventCursor(Long.MAX_VALUE, Long.MAX_VALUE));
    }

    @Test
    void no_cursor_is_the_start_of_the_feed() {
        assertThat(EventCursor.parse(Optional.empty())).isEqualTo(EventCursor.START);
        assertThat(EventCursor.parse(Optional.of(""))).isEqualTo(EventCursor.START);
    }

    @Test
    void anything_but_a_canonical_events_cursor_is_refused() {
        String good = new EventCursor(758, 7).encode();
        String[] bad = {
            "x", good + "A", good.substring(1), good + "=", good.replace('A', '+'), good.replace('A', '/'),
            good.substring(0, 22) + (char) (good.charAt(22) + 1),        // other unused low bits: a second spelling
            OpaqueCursor.encode(OpaqueCursor.ACCOUNTS, 758, 7),          // another kind of cursor
            OpaqueCursor.encode(OpaqueCursor.EVENTS, -1, 7),             // negative positions cannot exist
            OpaqueCursor.encode(OpaqueCursor.EVENTS, 1, Long.MIN_VALUE),
            "AAAAAAAAAAAAAAAAAAAAAAA", "\u0000".repeat(23), "é".repeat(23),
        };
        for (String b : bad) {
            assertThatThrownBy(() -> EventCursor.parse(Optional.of(b))).as(b).isInstanceOf(DomainException.Invalid.class)
                    .hasMessageContaining("next_cursor");
        }
    }

    @Test
    void cursors_order_by_transaction_then_sequence() {
        assertThat(new EventCursor(1, 9)).isLessThan(new EventCursor(2, 1));
        assertThat(new EventCursor(2, 1)).isLessThan(new EventCursor(2, 2));
        assertThat(new EventCursor(3, 3)).isEqualByComparingTo(new EventCursor(3, 3));
    }
}
