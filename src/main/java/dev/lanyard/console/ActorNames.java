package dev.lanyard.console;

import dev.lanyard.domain.Actor;
import dev.lanyard.orgadmin.AdminUserService;
import dev.lanyard.token.TokenService;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Who did something, in words a person recognises. Histories record {@link Actor}s as ids so they
 * stay exact when a token is relabelled or an admin leaves; the console shows the token's label
 * and the admin's email instead, asked of the services that own those tables (one query each per
 * page, only within the organization). An actor nobody knows any more shows as recorded.
 */
public final class ActorNames {
    private final TokenService tokens;
    private final AdminUserService admins;

    public ActorNames(TokenService tokens, AdminUserService admins) {
        this.tokens = tokens;
        this.admins = admins;
    }

    /** A display name for each of {@code actors}. */
    Map<Actor, String> of(UUID orgId, Collection<Actor> actors) {
        List<UUID> tokenIds = actors.stream().filter(a -> a instanceof Actor.ScimToken)
                .map(a -> ((Actor.ScimToken) a).tokenId()).distinct().toList();
        List<UUID> adminIds = actors.stream().filter(a -> a instanceof Actor.Admin)
                .map(a -> ((Actor.Admin) a).adminId()).distinct().toList();
        Map<UUID, String> tokenNames = tokens.describe(orgId, tokenIds);
        Map<UUID, String> adminEmails = admins.emails(orgId, adminIds);
        Map<Actor, String> names = new HashMap<>();
        for (Actor actor : actors) {
            names.put(actor, switch (actor) {
                case Actor.ScimToken t -> tokenNames.getOrDefault(t.tokenId(), actor.text());
                case Actor.Admin a -> adminEmails.containsKey(a.adminId()) ? adminEmails.get(a.adminId()) + " (console)" : actor.text();
                case Actor.Operator o -> "the operator";
                case Actor.System s -> "Lanyard";
                case Actor.Anonymous a -> "someone not signed in";
                case Actor.Unrecognised u -> u.text();
            });
        }
        return names;
    }

    /** The same for actors stored as text (group histories), keyed by that text. */
    Map<String, String> ofText(UUID orgId, Collection<String> stored) {
        Map<Actor, String> names = of(orgId, stored.stream().map(Actor::parse).toList());
        return stored.stream().distinct().collect(Collectors.toMap(t -> t, t -> names.get(Actor.parse(t))));
    }
}
