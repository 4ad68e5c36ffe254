package dev.lanyard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.domain.Actor;
import dev.lanyard.storage.Sql;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.UUID;

/** SQL for audit_trail (V70). */
final class AuditTrailStore {
    private AuditTrailStore() {}

    static long insert(Connection c, UUID orgId, Actor actor, String actorLabel, AuditAction action, AuditTrail.Target target,
                       JsonNode detail) throws SQLException {
        return Sql.find(c, """
                insert into audit_trail (org_id, actor, actor_label, action, target_type, target_id, target_label, detail)
                values (?, ?, ?, ?, nullif(?, ''), nullif(?, ''), nullif(?, ''), ?) returning id""",
                rs -> rs.getLong(1), orgId, actor.text(), AuditTrail.clip(actorLabel), action.code(),
                target.type(), target.id(), target.label(), new Sql.Json(detail.toString())).orElseThrow();
    }

    /**
     * How the actor is named now: an admin's email (of this organization only), a SCIM token's
     * label and first characters. Read from the admins' and tokens' tables in the same
     * transaction; an id that names nothing is written as its stored text.
     */
    static String actorLabel(Connection c, UUID orgId, Actor actor) throws SQLException {
        return switch (actor) {
            case Actor.Admin a -> Sql.find(c, "select email from console_admins where id = ? and org_id = ?",
                    rs -> rs.getString(1), a.adminId(), orgId).orElse(actor.text());
            case Actor.ScimToken t -> Sql.find(c, "select label, prefix from provisioning_tokens where id = ? and org_id = ?",
                    rs -> tokenName(rs.getString(1), rs.getString(2)), t.tokenId(), orgId).orElse(actor.text());
            case Actor.Operator o -> "operator";
            case Actor.System s -> "Lanyard";
            case Actor.Anonymous a -> "not signed in";
            case Actor.Unrecognised u -> u.text();
        };
    }

    private static String tokenName(String label, String prefix) {
        String p = prefix == null || prefix.isEmpty() ? "" : prefix + "…";
        if (label == null || label.isEmpty()) return p.isEmpty() ? "SCIM token" : "SCIM token " + p;
        return p.isEmpty() ? "SCIM token \"" + label + "\"" : "SCIM token \"" + label + "\" (" + p + ")";
    }

    /** Entries of this action in the last hour, counted up to {@code cap} (a range on audit_trail_org_action_at). */
    static int countLastHour(Connection c, UUID orgId, AuditAction action, int cap) throws SQLException {
        return (int) Sql.count(c, """
                select count(*) from (select 1 from audit_trail where org_id = ? and action = ?
                                          and at > clock_timestamp() - interval '1 hour' limit ?) recent""",
                java.util.List.of(orgId, action.code(), cap));
    }
}
