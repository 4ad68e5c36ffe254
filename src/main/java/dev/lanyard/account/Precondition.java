package dev.lanyard.account;

import java.util.Set;

/**
 * A client's condition on the version of what it changes (RFC 7644 §3.14, If-Match and
 * If-None-Match), checked under the row lock so no other change can slip in between.
 *
 * @param ifMatch        versions the client accepts (empty: any); any other version fails
 * @param ifNoneMatch    versions the resource must not have
 * @param ifNoneMatchAny "If-None-Match: *": the resource must not exist (it does, so it fails)
 */
public record Precondition(Set<Long> ifMatch, Set<Long> ifNoneMatch, boolean ifNoneMatchAny) {
    public static final Precondition NONE = new Precondition(Set.of(), Set.of(), false);

    void check(long current) {
        if (!ifMatch.isEmpty() && !ifMatch.contains(current)) {
            throw new dev.lanyard.domain.DomainException.Stale("the user was changed since version " + ifMatch
                    + " (now " + current + "); read it again and retry");
        }
        if (ifNoneMatchAny || ifNoneMatch.contains(current)) {
            throw new dev.lanyard.domain.DomainException.Stale("If-None-Match names the current version " + current
                    + "; the change was not made");
        }
    }
}
