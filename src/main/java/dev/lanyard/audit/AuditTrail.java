package dev.lanyard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.JsonBuffers;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * An organization's audit trail: who changed what, when. The one way to write an entry is
 * {@link #record}, on the connection of the transaction that makes the change, so the entry
 * commits or rolls back with it:
 *
 * <pre>{@code
 * tx.inTransaction(c -> {
 *     store.setProvisioningEnabled(c, org.id(), true);
 *     AuditTrail.record(c, org.id(), actor, AuditAction.PROVISIONING_ENABLED, Target.NONE, AuditTrail.detail());
 *     return null;
 * });
 * }</pre>
 *
 * The actor is named as it is now (the admin's email, the token's label and first characters) and
 * that name is stored with the entry, so the record stays readable after the admin or the token is
 * gone. The detail is redacted as the provisioning log's bodies are ({@link Redaction}: any member
 * whose name says password, secret or token, and anything shaped like a Lanyard secret) and cut to
 * {@link Redaction#MAX_BODY} characters. Reading, exporting and the retention sweep are
 * {@link AuditTrailService}'s.
 */
public final class AuditTrail {
    static final int MAX_TEXT = 512;
    private static final ObjectMapper MAPPER = JsonBuffers.pooled(new ObjectMapper());

    private AuditTrail() {}

    /**
     * What an entry is about: a type ({@code token}, {@code account}, {@code admin},
     * {@code certificate}, {@code app}, ...), its id, and how it was named at the time.
     */
    public record Target(String type, String id, String label) {
        /** The organization itself (its settings): no target. */
        public static final Target NONE = new Target("", "", "");

        public Target {
            type = clip(Objects.requireNonNullElse(type, ""));
            id = clip(Objects.requireNonNullElse(id, ""));
            label = clip(Objects.requireNonNullElse(label, ""));
        }

        public static Target of(String type, Object id, String label) {
            return new Target(type, String.valueOf(id), label);
        }
    }

    /** An empty detail to fill in. */
    public static ObjectNode detail() {
        return JsonNodeFactory.instance.objectNode();
    }

    /** {@code {"name": value}}; values are written as Jackson writes them (UUIDs, Instants, enums as text). */
    public static ObjectNode detail(String name, Object value) {
        ObjectNode d = detail();
        d.set(name, json(value));
        return d;
    }

    /**
     * {@code {"before": {...}, "after": {...}}} with only the members whose value differs; empty
     * ({@link #isEmpty}) when nothing changed, so a caller can skip a change that changed nothing.
     */
    public static ObjectNode changes(Map<String, ?> before, Map<String, ?> after) {
        ObjectNode b = detail();
        ObjectNode a = detail();
        for (var e : after.entrySet()) {
            JsonNode was = json(before.get(e.getKey()));
            JsonNode now = json(e.getValue());
            if (!was.equals(now)) {
                b.set(e.getKey(), was);
                a.set(e.getKey(), now);
            }
        }
        ObjectNode d = detail();
        if (!a.isEmpty()) {
            d.set("before", b);
            d.set("after", a);
        }
        return d;
    }

    /**
     * Where a sign-in came from, as the trail keeps it: {@code {"address": "203.0.113.0/24",
     * "client": "Mozilla/5.0 ..."}}, the address cut to its network and the User-Agent redacted
     * and bounded ({@link Redaction#redactAddress}, {@link Redaction#redactUserAgent}).
     */
    public static ObjectNode client(String address, String userAgent) {
        ObjectNode d = detail();
        d.put("address", Redaction.redactAddress(address));
        d.put("client", Redaction.redactUserAgent(userAgent));
        return d;
    }

    public static boolean isEmpty(ObjectNode detail) {
        return detail.isEmpty();
    }

    /**
     * Writes one entry in the caller's transaction and returns its id.
     *
     * @param orgId  the organization whose trail it is (another organization never sees it)
     * @param actor  who acted: {@code Actor.Admin}, {@code Actor.ScimToken}, {@code Actor.OPERATOR},
     *               {@code Actor.SYSTEM} (Lanyard itself), {@code Actor.ANONYMOUS} (a failed sign-in)
     * @param target what it is about, or {@link Target#NONE}
     * @param detail what changed ({@link #changes} for before and after); never a secret
     */
    public static long record(Connection c, UUID orgId, Actor actor, AuditAction action, Target target, ObjectNode detail)
            throws SQLException {
        return AuditTrailStore.insert(c, orgId, actor, AuditTrailStore.actorLabel(c, orgId, actor), action, target, stored(detail));
    }

    /**
     * {@link #record}, unless the organization already has {@code perHour} entries of this action
     * in the last hour; then nothing is written and false is returned. For what people who are
     * not signed in can cause (failed sign-ins), so they cannot fill the trail.
     */
    public static boolean recordAtMost(Connection c, UUID orgId, Actor actor, AuditAction action, Target target, ObjectNode detail,
                                       int perHour) throws SQLException {
        if (AuditTrailStore.countLastHour(c, orgId, action, perHour) >= perHour) return false;
        record(c, orgId, actor, action, target, detail);
        return true;
    }

    /** Redacted ({@link Redaction}) and bounded, as stored. */
    static JsonNode stored(ObjectNode detail) {
        JsonNode d = Redaction.forLog(detail == null ? detail() : detail, 0);
        return Redaction.redactTokensIn(d);
    }

    static JsonNode json(Object value) {
        return switch (value) {
            case null -> JsonNodeFactory.instance.nullNode();
            case JsonNode n -> n;
            case UUID u -> JsonNodeFactory.instance.textNode(u.toString());
            case java.time.Instant i -> JsonNodeFactory.instance.textNode(i.toString());
            case Enum<?> e -> JsonNodeFactory.instance.textNode(e.name().toLowerCase(java.util.Locale.ROOT));
            default -> MAPPER.valueToTree(value);
        };
    }

    static String clip(String s) {
        String clean = s.codePoints().filter(cp -> !Character.isISOControl(cp))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() <= MAX_TEXT ? clean : clean.substring(0, MAX_TEXT) + "…";
    }
}
