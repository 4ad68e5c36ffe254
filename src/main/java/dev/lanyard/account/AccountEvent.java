package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.domain.Actor;

import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * One entry of an account's history.
 *
 * @param detail ids that link the entry ({@code successorId}, {@code predecessorId}, {@code scimId}),
 *               a status, or a rename's {@code from} / {@code to} emails; {} when there is nothing more
 */
public record AccountEvent(Kind kind, ObjectNode detail, Actor actor, Instant at) {
    /** What happened, stored in account_events.kind as the lower-case name. */
    public enum Kind {
        CREATED, UPDATED, DEACTIVATED, REACTIVATED, INVALIDATED, RENAMED, DISABLED, REATTACHED, DELETED;

        public String dbValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Optional<Kind> fromDb(String value) {
            return Arrays.stream(values()).filter(k -> k.dbValue().equals(value)).findFirst();
        }
    }
}
