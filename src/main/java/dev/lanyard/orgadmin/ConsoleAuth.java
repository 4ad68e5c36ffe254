package dev.lanyard.orgadmin;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.RateLimit;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.storage.Transactions;
import dev.lanyard.token.OperatorCredential;
import dev.lanyard.token.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * Signing console admins in and out, and finding who a session cookie belongs to. The browser
 * holds 256 random bits; console_sessions holds their SHA-256, the admin and a CSRF token.
 * A session ends after {@link #IDLE} without a request, and after {@link #ABSOLUTE} in any case.
 */
public final class ConsoleAuth {
    private static final Logger log = LoggerFactory.getLogger(ConsoleAuth.class);
    static final Duration IDLE = Duration.ofHours(1);
    static final Duration ABSOLUTE = Duration.ofHours(12);

    /** What a sign-in attempt came to. */
    public sealed interface Outcome {
        /** {@code cookie} is the session cookie's value: only the browser keeps it. */
        record SignedIn(String cookie) implements Outcome {}

        /** Wrong organization, email or password, told apart for nobody; {@code lockedOut} if this was the last try. */
        record Refused(boolean lockedOut) implements Outcome {}

        /** Too many failures: refused until then without checking the password. */
        record LockedOut(Instant until) implements Outcome {}
    }

    private final Transactions tx;
    private final OrganizationService organizations;
    private final AdminUserStore admins = new AdminUserStore();
    private final SessionStore sessions = new SessionStore();
    private final LoginThrottle throttle = new LoginThrottle();
    private final OperatorCredential operator;

    public ConsoleAuth(Transactions tx, OrganizationService organizations, OperatorCredential operator) {
        this.tx = tx;
        this.organizations = organizations;
        this.operator = operator;
    }

    /**
     * Failed sign-ins an organization's audit trail takes per hour. Anyone can fail a sign-in, so
     * this bounds what people who are not signed in can write (beyond the rate limits and the
     * lockout); the throttle counts every failure regardless.
     */
    public static final int FAILED_SIGN_INS_RECORDED_PER_HOUR = 100;

    /** {@code org} is the organization's name or id, as typed on the sign-in form. */
    public Outcome signIn(String org, String email, String password, String source) {
        return signIn(org, email, password, source, "");
    }

    /**
     * As {@link #signIn(String, String, String, String)}; a success, and a failure at a known
     * organization, go to its audit trail with the client's network and User-Agent.
     */
    public Outcome signIn(String org, String email, String password, String source, String userAgent) {
        admitSignIn(source);
        Optional<Organization> organization = organizations.find(org);
        byte[] key = throttleKey(organization, org, email);
        Optional<Instant> lockedUntil = tx.inTransaction(c -> throttle.begin(c, key));
        if (lockedUntil.isPresent()) return new Outcome.LockedOut(lockedUntil.get());

        Optional<AdminUserStore.WithHash> admin = organization.isEmpty() ? Optional.empty()
                : tx.read(c -> admins.findByEmail(c, organization.get().id(), email));
        boolean right;
        if (admin.isPresent()) {
            // An expired one-time password is checked like any other (same time) and then refused.
            right = Passwords.matches(password, admin.get().passwordHash()) && !admin.get().passwordExpired();
        } else {
            Passwords.spendTheTime();  // an unknown email answers as slowly as a wrong password
            right = false;
        }
        if (!right) {
            String reason = admin.isEmpty() ? "unknown_email" : admin.get().passwordExpired() ? "one_time_password_expired" : "wrong_password";
            boolean lockedOut = tx.inTransaction(c -> {
                boolean locked = throttle.failed(c, key);
                if (organization.isPresent()) {
                    ObjectNode d = AuditTrail.client(source, userAgent);
                    d.put("method", "password");
                    d.put("email", email.length() <= 254 ? email : email.substring(0, 254) + "…");
                    d.put("reason", reason);
                    d.put("lockedOut", locked);
                    AuditTrail.recordAtMost(c, organization.get().id(),
                            admin.<Actor>map(a -> new Actor.Admin(a.admin().id())).orElse(Actor.ANONYMOUS),
                            AuditAction.ADMIN_SIGN_IN_FAILED, admin.map(a -> AdminUserService.target(a.admin())).orElse(AuditTrail.Target.NONE),
                            d, FAILED_SIGN_INS_RECORDED_PER_HOUR);
                }
                return locked;
            });
            if (lockedOut) {
                log.warn("console sign-in locked out for {} minutes after {} failures (organization {})",
                        LoginThrottle.LOCKOUT.toMinutes(), LoginThrottle.MAX_FAILURES,
                        organization.map(o -> o.id().toString()).orElse("unknown"));
            }
            return new Outcome.Refused(lockedOut);
        }

        AdminUserStore.WithHash found = admin.get();
        String cookie = Secrets.generate("");
        tx.inTransaction(c -> {
            throttle.succeeded(c, key);
            sessions.deleteExpired(c);
            sessions.insert(c, Secrets.hash(cookie), found.admin().id(), Secrets.generate(""), IDLE);
            signedIn(c, found.admin(), "password", source, userAgent);
            return null;
        });
        log.info("console sign-in: admin {} of organization {}", found.admin().id(), found.admin().orgId());
        return new Outcome.SignedIn(cookie);
    }

    /**
     * A console admin whose email the organization's SAML IdP has just vouched for (the
     * organization lets its admins sign in by SAML). Returns the session cookie, or empty when no
     * admin of the organization has that email. The password is untouched: local sign-in stays
     * available as the break-glass way in.
     */
    public Optional<String> signInBySaml(UUID orgId, String email, String source, String userAgent) {
        Optional<AdminUserStore.WithHash> admin = tx.read(c -> admins.findByEmail(c, orgId, email));
        if (admin.isEmpty()) return Optional.empty();
        String cookie = Secrets.generate("");
        tx.inTransaction(c -> {
            sessions.deleteExpired(c);
            sessions.insert(c, Secrets.hash(cookie), admin.get().admin().id(), Secrets.generate(""), IDLE);
            signedIn(c, admin.get().admin(), "saml", source, userAgent);
            return null;
        });
        log.info("console sign-in by SAML: admin {} of organization {}", admin.get().admin().id(), orgId);
        return Optional.of(cookie);
    }

    /**
     * The operator signs in with the credential from the data folder (the admin API's bearer
     * token). Failures count against one throttle key: there is one operator.
     */
    public Outcome signInOperator(String secret, String source) {
        admitSignIn(source);
        // Per source address: whoever guesses from one address locks only that address out, never
        // the operator at theirs; and the admin API and CLI with the credential file are never
        // throttled at all, so the operator always has a way in (docs/security.md).
        byte[] key = Secrets.hash("operator\n" + source);
        Optional<Instant> lockedUntil = tx.inTransaction(c -> throttle.begin(c, key));
        if (lockedUntil.isPresent()) return new Outcome.LockedOut(lockedUntil.get());
        if (!operator.verify(secret)) {
            boolean lockedOut = tx.inTransaction(c -> throttle.failed(c, key));
            if (lockedOut) log.warn("console operator sign-in locked out after {} failures", LoginThrottle.MAX_FAILURES);
            return new Outcome.Refused(lockedOut);
        }
        String cookie = Secrets.generate("");
        tx.inTransaction(c -> {
            throttle.succeeded(c, key);
            sessions.deleteExpired(c);
            sessions.insertOperator(c, Secrets.hash(cookie), Secrets.generate(""), IDLE);
            return null;
        });
        log.info("console sign-in: operator");
        return new Outcome.SignedIn(cookie);
    }

    /**
     * Before anything else of a sign-in (no database, no bcrypt): at most
     * {@link #PER_SOURCE_PER_MINUTE} attempts a minute from one address (bursts of
     * {@link #PER_SOURCE_BURST}) and {@link #GLOBAL_PER_SECOND} a second on this server. The
     * per-email throttle alone let random emails through, each costing a bcrypt.
     */
    private void admitSignIn(String source) {
        perSource.take(source);
        global.take("all");
    }

    static final int PER_SOURCE_PER_MINUTE = 30;
    static final int PER_SOURCE_BURST = 10;
    static final int GLOBAL_PER_SECOND = 10;
    /** The test suite (pom.xml) signs in far faster than people do; the tests of these limits clear it. */
    private final boolean relaxed = Boolean.getBoolean("lanyard.limits.relaxed");
    private final RateLimit perSource = relaxed ? new RateLimit(1e6, 1e6, "")
            : new RateLimit(PER_SOURCE_PER_MINUTE / 60.0, PER_SOURCE_BURST, "sign-in attempts from this address");
    private final RateLimit global = relaxed ? new RateLimit(1e6, 1e6, "")
            : new RateLimit(GLOBAL_PER_SECOND, 2 * GLOBAL_PER_SECOND, "sign-in attempts on this server");

    private static void signedIn(java.sql.Connection c, AdminUser admin, String method, String source, String userAgent)
            throws java.sql.SQLException {
        ObjectNode d = AuditTrail.client(source, userAgent);
        d.put("method", method);
        AuditTrail.record(c, admin.orgId(), new Actor.Admin(admin.id()), AuditAction.ADMIN_SIGNED_IN, AdminUserService.target(admin), d);
    }

    /**
     * An operator's session opens an organization: the console's pages act on it from now on.
     * The organization's audit trail records that the operator came in.
     */
    public void openOrganization(String cookie, UUID orgId) {
        tx.inTransaction(c -> {
            sessions.openOrganization(c, Secrets.hash(cookie), orgId);
            AuditTrail.record(c, orgId, Actor.OPERATOR, AuditAction.OPERATOR_OPENED, AuditTrail.Target.NONE,
                    AuditTrail.detail("via", "console"));
            return null;
        });
    }

    /** What a password change came to. */
    public sealed interface Change {
        record Changed() implements Change {}

        /** The current password was wrong; {@code lockedOut} if this was the last try. */
        record WrongCurrent(boolean lockedOut) implements Change {}

        record LockedOut(Instant until) implements Change {}
    }

    /**
     * The signed-in admin changes their own password. The current one is checked first and a
     * wrong one counts against the same throttle as sign-in, so a left-open browser cannot be used
     * to guess it. Every other session of the admin ends: whoever else held one is out.
     *
     * @param cookie the session cookie of this browser, whose session stays
     */
    public Change changePassword(ConsoleSession session, String cookie, String current, String next) {
        byte[] key = throttleKey(session.orgId().toString(), session.email());
        Optional<Instant> lockedUntil = tx.inTransaction(c -> throttle.begin(c, key));
        if (lockedUntil.isPresent()) return new Change.LockedOut(lockedUntil.get());
        AdminUserStore.WithHash admin = tx.read(c -> admins.findById(c, session.adminId().orElseThrow())).orElseThrow();
        if (!Passwords.matches(current, admin.passwordHash())) {
            return new Change.WrongCurrent(tx.inTransaction(c -> throttle.failed(c, key)));
        }
        String hash = Passwords.hash(next);  // slow on purpose: before the transaction, not inside it
        tx.inTransaction(c -> {
            throttle.succeeded(c, key);
            admins.setPasswordHash(c, admin.admin().id(), hash, false);
            sessions.endOthers(c, admin.admin().id(), Secrets.hash(cookie));
            AuditTrail.record(c, admin.admin().orgId(), new Actor.Admin(admin.admin().id()), AuditAction.ADMIN_PASSWORD_CHANGED,
                    AdminUserService.target(admin.admin()), AuditTrail.detail("otherSessionsEnded", true));
            return null;
        });
        log.info("console admin {} of organization {} changed their password", admin.admin().id(), session.orgId());
        return new Change.Changed();
    }

    /**
     * The first sign-in's step: an admin who signed in with a one-time password a moment ago
     * chooses their own without typing the one-time password again (the session proves they
     * had it). Refused (false) once the admin has a password of their own: then the current
     * password is asked, as {@link #changePassword} does. Every other session of the admin ends.
     */
    public boolean replaceOneTimePassword(ConsoleSession session, String cookie, String next) {
        if (!session.mustChangePassword()) return false;
        UUID adminId = session.adminId().orElseThrow();
        String hash = Passwords.hash(next);  // slow on purpose: before the transaction, not inside it
        boolean changed = tx.inTransaction(c -> {
            // Read again inside the transaction: another tab may have chosen the password meanwhile.
            if (!admins.mustChangePassword(c, adminId)) return false;
            admins.setPasswordHash(c, adminId, hash, false);
            sessions.endOthers(c, adminId, Secrets.hash(cookie));
            AuditTrail.record(c, session.orgId(), new Actor.Admin(adminId), AuditAction.ADMIN_PASSWORD_CHANGED,
                    AuditTrail.Target.of("admin", adminId, session.email()),
                    AuditTrail.detail("oneTimePasswordReplaced", true));
            return true;
        });
        if (changed) log.info("console admin {} of organization {} chose their own password", adminId, session.orgId());
        return changed;
    }

    /** Why a console session ended before its time. */
    public enum Ended { EXPIRED, PASSWORD_CHANGED, PASSWORD_RESET }

    /**
     * Why the session a browser's cookie names is no longer live: its admin's password changed in
     * another browser, the operator reset it, or (anything else, an unknown value included) it expired.
     */
    public Ended whyEnded(String cookie) {
        if (!Secrets.wellFormed(cookie)) return Ended.EXPIRED;
        return tx.read(c -> sessions.endReason(c, Secrets.hash(cookie))).map(r -> switch (r) {
            case "password_changed" -> Ended.PASSWORD_CHANGED;
            case "password_reset" -> Ended.PASSWORD_RESET;
            default -> Ended.EXPIRED;
        }).orElse(Ended.EXPIRED);
    }

    /** The live session a cookie value stands for; keeps it alive while it is used. */
    public Optional<ConsoleSession> findSession(String cookie) {
        if (!Secrets.wellFormed(cookie)) return Optional.empty();
        byte[] id = Secrets.hash(cookie);
        return tx.inTransaction(c -> {
            Optional<ConsoleSession> found = sessions.find(c, id);
            if (found.isPresent()) sessions.extend(c, id, IDLE, ABSOLUTE);
            return found;
        });
    }

    /** Ends the session at once: the cookie opens nothing any more, on any server. */
    public void signOut(String cookie) {
        if (!Secrets.wellFormed(cookie)) return;
        tx.inTransaction(c -> {
            sessions.delete(c, Secrets.hash(cookie));
            return null;
        });
    }

    /**
     * The organization as resolved (so its name and its id count as one), else as typed; and the
     * email in lower case, as the unique index compares it.
     */
    private static byte[] throttleKey(Optional<Organization> organization, String typed, String email) {
        return throttleKey(organization.map(o -> o.id().toString()).orElseGet(() -> "?" + typed.strip().toLowerCase(Locale.ROOT)),
                email);
    }

    private static byte[] throttleKey(String org, String email) {
        return Secrets.hash(org + "\n" + email.strip().toLowerCase(Locale.ROOT));
    }
}
