package dev.lanyard.console;

import dev.lanyard.orgadmin.AdminUserService;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.token.TokenService;

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
 * admin's email instead, asked of the services that own those tables (one query each per page,
 * only within the organization).
 */
public final class ActorNames {
    private static final String TOKEN = "scim:token:";
    private static final String ADMIN = "console:";

    private final TokenService tokens;
    private final AdminUserService admins;

    public ActorNames(TokenService tokens, AdminUserService admins) {
        this.tokens = tokens;
        this.admins = admins;
    }

    /** A display name for each of {@code actors}; an actor nobody knows any more shows as recorded. */
    Map<String, String> of(UUID orgId, Collection<String> actors) {
        Map<String, String> names = new HashMap<>();
        for (String actor : actors) names.put(actor, actor.equals(ConsoleSession.OPERATOR) ? "the operator" : actor);
        tokens.describe(orgId, ids(actors, TOKEN)).forEach((id, name) -> names.put(TOKEN + id, name));
        admins.emails(orgId, ids(actors, ADMIN)).forEach((id, email) -> names.put(ADMIN + id, email + " (console)"));
        return names;
    }

    private static List<UUID> ids(Collection<String> actors, String prefix) {
        return actors.stream().filter(a -> a.startsWith(prefix))
                .map(a -> OrganizationService.parseUuid(a.substring(prefix.length()))).flatMap(Optional::stream)
                .distinct().toList();
    }
}
