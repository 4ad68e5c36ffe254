package dev.lanyard.domain;

import java.util.Optional;
import java.util.UUID;

/**
 * Who changed something, as histories record it. The stored text is written and read here only,
 * so the packages that record actors (SCIM, console, operator API) and the ones that show them
 * cannot drift apart. Ids, not names: a token may be relabelled and an admin may leave, and the
 * record must stay exact; the console looks the names up when it shows a history.
 *
 * <pre>
 * scim:token:9f1c...   {@link ScimToken}: the organization's IdP, through that SCIM token
 * console:4b2e...      {@link Admin}: an organization admin in the console
 * operator             {@link Operator}: the CLI, the operator's API, or the console with the operator credential
 * system               {@link System}: Lanyard itself (a background check, such as a certificate's expiry)
 * anonymous            {@link Anonymous}: someone not signed in (a failed console sign-in, in the audit trail)
 * </pre>
 */
public sealed interface Actor {
    String SCIM_TOKEN = "scim:token:";
    String ADMIN = "console:";

    /** The organization's IdP, through one of its SCIM tokens. */
    record ScimToken(UUID tokenId) implements Actor {}

    /** An organization admin, in the console. */
    record Admin(UUID adminId) implements Actor {}

    /** The operator of the installation. */
    record Operator() implements Actor {}

    /** Text this version does not recognise; shown as recorded, never written. */
    record Unrecognised(String text) implements Actor {}

    /** Lanyard itself: what no person did (an IdP certificate about to expire). */
    record System() implements Actor {}

    /** Someone not signed in: only a failed sign-in is recorded with this actor. */
    record Anonymous() implements Actor {}

    Actor OPERATOR = new Operator();
    Actor SYSTEM = new System();
    Actor ANONYMOUS = new Anonymous();

    /** The stored form (see the table above). */
    default String text() {
        return switch (this) {
            case ScimToken t -> SCIM_TOKEN + t.tokenId();
            case Admin a -> ADMIN + a.adminId();
            case Operator o -> "operator";
            case System s -> "system";
            case Anonymous a -> "anonymous";
            case Unrecognised u -> u.text();
        };
    }

    /** The actor a stored text stands for; anything else is {@link Unrecognised}, never an error. */
    static Actor parse(String text) {
        if (text == null) return new Unrecognised("");
        if (text.equals("operator")) return OPERATOR;
        if (text.equals("system")) return SYSTEM;
        if (text.equals("anonymous")) return ANONYMOUS;
        if (text.startsWith(SCIM_TOKEN)) {
            return uuid(text.substring(SCIM_TOKEN.length())).<Actor>map(ScimToken::new).orElse(new Unrecognised(text));
        }
        if (text.startsWith(ADMIN)) {
            return uuid(text.substring(ADMIN.length())).<Actor>map(Admin::new).orElse(new Unrecognised(text));
        }
        return new Unrecognised(text);
    }

    /** A UUID in its canonical form only, so that parse(text()) gives back the same text. */
    private static Optional<UUID> uuid(String s) {
        try {
            UUID id = UUID.fromString(s);
            return id.toString().equals(s) ? Optional.of(id) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
