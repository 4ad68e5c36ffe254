package dev.lanyard.console;

import dev.lanyard.organization.OrganizationService;
import dev.lanyard.storage.Sql;
import dev.lanyard.storage.Transactions;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Who did something, in words a person recognises. Account events record actors as ids
 * ({@code scim:token:<id>}, {@code console:<admin id>}, {@code operator}) so they stay exact
 * when a token is relabelled or an admin leaves; the console shows the token's label and the
 * admin's email instead, looked up in one query per page and only within the organization.
 */
public final class ActorNames {
    private static final String TOKEN = "scim:token:";
    private static final String ADMIN = "console:";

    private final Transactions tx;

    public ActorNames(Transactions tx) {
        this.tx = tx;
    }

    /** A display name for each of {@code actors}; an actor nobody knows any more shows as recorded. */
    Map<String, String> of(UUID orgId, Collection<String> actors) {
        List<UUID> tokens = ids(actors, TOKEN);
        List<UUID> admins = ids(actors, ADMIN);
        Map<String, String> names = new HashMap<>();
        for (String actor : actors) names.put(actor, actor.equals(ConsoleSession.OPERATOR) ? "the operator" : actor);
        if (tokens.isEmpty() && admins.isEmpty()) return names;
        tx.read(c -> {
            var tokenIds = c.createArrayOf("uuid", tokens.toArray());
            var adminIds = c.createArrayOf("uuid", admins.toArray());
            for (String[] row : Sql.list(c, """
                    select 'scim:token:' || id, case when label = '' then 'SCIM token (no label)'
                                                     else 'SCIM token "' || label || '"' end
                      from provisioning_tokens where org_id = ? and id = any(?)
                    union all
                    select 'console:' || id, email || ' (console)' from console_admins where org_id = ? and id = any(?)""",
                    rs -> new String[] {rs.getString(1), rs.getString(2)}, orgId, tokenIds, orgId, adminIds)) {
                names.put(row[0], row[1]);
            }
            return null;
        });
        return names;
    }

    private static List<UUID> ids(Collection<String> actors, String prefix) {
        return actors.stream().filter(a -> a.startsWith(prefix))
                .map(a -> OrganizationService.parseUuid(a.substring(prefix.length()))).flatMap(Optional::stream)
                .distinct().toList();
    }
}
