package dev.lanyard.account;

import java.util.Optional;
import java.util.Set;

/**
 * A client's condition on the version of what it changes (RFC 7644 §3.14, If-Match and
 * If-None-Match), checked under the row lock so no other change can slip in between.
 *
 * @param ifMatch        the version the client last saw; any other version fails
 * @param ifNoneMatch    versions the resource must not have
 * @param ifNoneMatchAny "If-None-Match: *": the resource must not exist (it does, so it fails)
 */
public record Precondition(Optional<Long> ifMatch, Set<Long> ifNoneMatch, boolean ifNoneMatchAny) {
    public static final Precondition NONE = new Precondition(Optional.empty(), Set.of(), false);

    public static Precondition ifMatch(long version) {
        return new Precondition(Optional.of(version), Set.of(), false);
    }

    void check(long current) {
        if (ifMatch.isPresent() && ifMatch.get() != current) {
            throw new dev.lanyard.DomainException.Stale("the user was changed since version " + ifMatch.get()
                    + " (now " + current + "); read it again and retry");
        }
        if (ifNoneMatchAny || ifNoneMatch.contains(current)) {
            throw new dev.lanyard.DomainException.Stale("If-None-Match names the current version " + current
                    + "; the change was not made");
        }
    }
}
