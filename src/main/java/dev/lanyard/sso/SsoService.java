package dev.lanyard.sso;

import dev.lanyard.account.AccountService;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.sso.Refusal.Reason;
import dev.lanyard.sso.RelayState.Purpose;
import dev.lanyard.storage.Transactions;
import dev.lanyard.token.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * SAML sign-in for members (SAML profiles §4.1, Web Browser SSO): start an SP-initiated sign-in,
 * take the IdP's Response at the ACS (SP- or IdP-initiated), match it to a managed account and
 * open a member session; find the member behind a session cookie, ending the session as soon as
 * the account is no longer active. Every attempt lands in the sign-in log with its reason.
 */
public final class SsoService {
    private static final Logger log = LoggerFactory.getLogger(SsoService.class);
    /** How long the IdP may take (the person typing a password, MFA) before the request expires. */
    static final Duration REQUEST_LIFETIME = Duration.ofMinutes(15);
    public static final Duration SESSION_LIFETIME = Duration.ofHours(8);

    private final Transactions tx;
    private final SamlSettingsService settings;
    private final AccountService accounts;
    private final RelayState relayStates;
    private final Clock clock;
    private final String appLanding;
    private final SignInStore store = new SignInStore();
    private final SignInLogStore logStore = new SignInLogStore();
    private final ConsoleAdmins consoleAdmins;

    /** Whether an email is a console admin of the organization (the console's admins, wired in App). */
    @FunctionalInterface
    public interface ConsoleAdmins {
        boolean isAdmin(UUID orgId, String email);
    }

    public SsoService(Transactions tx, SamlSettingsService settings, AccountService accounts, byte[] relayStateKey, Clock clock) {
        this(tx, settings, accounts, relayStateKey, clock, SsoRoutes.ME, (org, email) -> false);
    }

    /**
     * @param appLanding where a member lands after a sign-in started for an app ({@link #startForApp}):
     *                   the OpenID provider's continuation, a fixed local path (never taken from the request)
     */
    public SsoService(Transactions tx, SamlSettingsService settings, AccountService accounts, byte[] relayStateKey, Clock clock,
                      String appLanding, ConsoleAdmins consoleAdmins) {
        this.appLanding = appLanding;
        this.consoleAdmins = consoleAdmins;
        this.tx = tx;
        this.settings = settings;
        this.accounts = accounts;
        this.relayStates = new RelayState(relayStateKey);
        this.clock = clock;
    }

    /** The URL that sends the browser to the IdP with an AuthnRequest (HTTP-Redirect binding, bindings §3.4). */
    public String start(UUID orgId, SpValues sp, Purpose purpose) throws Refusal {
        return start(orgId, sp, purpose, false);
    }

    /** As {@link #start(UUID, SpValues, Purpose)}; {@code forceAuthn}: the IdP must authenticate the person anew. */
    String start(UUID orgId, SpValues sp, Purpose purpose, boolean forceAuthn) throws Refusal {
        return begin(orgId, sp, purpose, forceAuthn).url();
    }

    /**
     * A sign-in sent to the IdP: the URL, and the id of its AuthnRequest (what the Response's
     * InResponseTo must name, and what {@link Outcome.ConsoleAdmin#requestId} gives back).
     */
    public record Started(String url, String requestId) {}

    private Started begin(UUID orgId, SpValues sp, Purpose purpose, boolean forceAuthn) throws Refusal {
        SamlSettings s = settings.get(orgId);
        if (!s.complete()) {
            throw new Refusal(Reason.NOT_CONFIGURED, "SAML single sign-on is not set up for this organization yet");
        }
        if ((purpose == Purpose.MEMBER || purpose == Purpose.APP) && !s.enabled()) {
            throw new Refusal(Reason.DISABLED, "SAML single sign-on is turned off for this organization");
        }
        if (purpose == Purpose.CONSOLE && !(s.enabled() && s.consoleAdminsBySaml())) {
            throw new Refusal(Reason.DISABLED, "this organization does not let its console admins sign in by SAML");
        }
        JavaSaml.Request request = JavaSaml.authnRequest(s, sp, forceAuthn);
        String relay = relayStates.issue(orgId, request.id(), purpose, clock.instant().plus(REQUEST_LIFETIME));
        String sep = s.ssoUrl().contains("?") ? "&" : "?";
        return new Started(s.ssoUrl() + sep + "SAMLRequest=" + URLEncoder.encode(request.encoded(), StandardCharsets.UTF_8)
                + "&RelayState=" + URLEncoder.encode(relay, StandardCharsets.UTF_8), request.id());
    }

    /** What a Response at the ACS came to. */
    public sealed interface Outcome {
        long logId();

        /** A member signed in: {@code cookie} is the new session's secret. */
        record MemberSignedIn(long logId, String cookie, String landing) implements Outcome {}

        /** An admin's test sign-in: the log entry holds what came back. */
        record Tested(long logId) implements Outcome {}

        /** A console admin proved their email through the IdP. */
        record ConsoleAdmin(long logId, String email, String requestId) implements Outcome {}

        record Refused(long logId, Refusal refusal, boolean test) implements Outcome {}
    }

    public Outcome acs(UUID orgId, SpValues sp, String samlResponse, String relayState) {
        Instant now = clock.instant();
        SamlSettings s = settings.get(orgId);
        Optional<RelayState.Issued> issued = relayStates.verify(orgId, relayState, now);
        Purpose purpose = issued.map(RelayState.Issued::purpose).orElse(Purpose.MEMBER);
        String flow = switch (purpose) {
            case TEST -> "test";
            case CONSOLE -> "console";
            case MEMBER -> issued.isPresent() ? "sp-initiated" : "idp-initiated";
            case APP -> "sp-initiated";
        };
        VerifiedAssertion a = null;
        try {
            if (purpose != Purpose.TEST && !s.enabled()) {
                throw new Refusal(Reason.DISABLED, "SAML single sign-on is turned off for this organization",
                        "turn it on under SAML single sign-on once a test sign-in succeeds");
            }
            if (purpose == Purpose.CONSOLE && !s.consoleAdminsBySaml()) {
                throw new Refusal(Reason.DISABLED, "this organization does not let its console admins sign in by SAML");
            }
            a = ResponseVerifier.verify(samlResponse, s, sp, now);
            VerifiedAssertion verified = a;
            checkRequest(verified, issued, relayState);
            // One transaction, committed before the account is looked at: once verified, the
            // request and the assertion are used up whatever the outcome.
            Optional<Refusal> used = tx.inTransaction(c -> {
                if (verified.inResponseTo().isPresent()
                        && !store.useRequest(c, orgId, verified.inResponseTo().get(), issued.orElseThrow().expiresAt())) {
                    return Optional.of(new Refusal(Reason.UNKNOWN_REQUEST, "a Response to this AuthnRequest was already accepted (the sign-in was replayed)"));
                }
                if (!store.useAssertion(c, orgId, verified.assertionId(), verified.expiresAt())) {
                    return Optional.of(new Refusal(Reason.REPLAYED, "the assertion " + verified.assertionId() + " was already used to sign in (a replay)"));
                }
                return Optional.empty();
            });
            if (used.isPresent()) throw used.get();
            if (purpose == Purpose.CONSOLE) {
                // The log says what happened: only an email that is a console admin signs in.
                if (!consoleAdmins.isAdmin(orgId, a.email())) {
                    throw new Refusal(Reason.NOT_A_CONSOLE_ADMIN, "the IdP signed in " + a.email()
                            + ", but no console admin of this organization has that email",
                            "sign in with the IdP user whose email is a console admin's, or have the operator add this email as an admin");
                }
                long id = record(orgId, flow, true, "ok", "console sign-in by SAML as " + a.email(), Optional.empty(), a, Optional.empty());
                return new Outcome.ConsoleAdmin(id, a.email(), issued.orElseThrow().requestId());
            }
            Optional<ManagedAccount> account = accounts.findForSignIn(orgId, a.email());
            if (purpose == Purpose.TEST) {
                String detail = account.map(m -> "the test sign-in worked; it matches the " + m.status().dbValue() + " account " + m.email())
                        .orElse("the response is valid, but no managed account has the email " + a.email());
                return new Outcome.Tested(record(orgId, flow, account.isPresent(), account.isPresent() ? "ok" : Reason.UNKNOWN_ACCOUNT.code(),
                        detail, Optional.empty(), a, account.map(ManagedAccount::id)));
            }
            if (account.isEmpty()) {
                throw new Refusal(Reason.UNKNOWN_ACCOUNT, "no managed account has the email " + a.email(),
                        "assign the person to the application in the IdP so it provisions the account (SCIM), then sign in again");
            }
            if (!account.get().active()) {
                throw new Refusal(Reason.ACCOUNT_INACTIVE, "the account " + a.email() + " is " + account.get().status().dbValue()
                        + " and may not sign in", "the IdP deactivated, renamed or deleted this person");
            }
            String cookie = Secrets.generate("");
            UUID accountId = account.get().id();
            tx.inTransaction(c -> {
                store.insertSession(c, Secrets.hash(cookie), orgId, accountId, now.plus(SESSION_LIFETIME));
                return null;
            });
            long id = record(orgId, flow, true, "ok", "signed in as " + account.get().email(), Optional.empty(), a, Optional.of(accountId));
            return new Outcome.MemberSignedIn(id, cookie, purpose == Purpose.APP ? appLanding : landing(issued, relayState));
        } catch (Refusal r) {
            log.info("SAML sign-in refused for organization {} ({}): {} [{}]", orgId, flow, r.detail(), r.reason().code());
            Optional<UUID> accountId = Optional.empty();
            long id = record(orgId, flow, false, r.reason().code(), r.detail(), r.hint(), a, accountId);
            return new Outcome.Refused(id, r, purpose == Purpose.TEST);
        }
    }

    /**
     * SP-initiated: the RelayState came back unchanged and names the request the Response answers.
     * IdP-initiated (no InResponseTo): allowed, the RelayState is at most a local landing path.
     */
    private static void checkRequest(VerifiedAssertion a, Optional<RelayState.Issued> issued, String relayState) throws Refusal {
        if (a.inResponseTo().isPresent()) {
            if (issued.isEmpty()) {
                throw new Refusal(Reason.UNKNOWN_REQUEST, "the Response answers request " + a.inResponseTo().get()
                        + ", but its RelayState is missing, altered or expired (a sign-in must finish within "
                        + REQUEST_LIFETIME.toMinutes() + " minutes)", "start the sign-in again");
            }
            if (!issued.get().requestId().equals(a.inResponseTo().get())) {
                throw new Refusal(Reason.UNKNOWN_REQUEST, "the Response answers request " + a.inResponseTo().get()
                        + ", not the request " + issued.get().requestId() + " its RelayState names");
            }
        } else if (issued.isPresent()) {
            throw new Refusal(Reason.UNEXPECTED_IN_RESPONSE_TO, "the Response answers no request, but came with the RelayState of request "
                    + issued.get().requestId());
        }
    }

    /** Where a member lands: /me, or a local path the IdP sent as RelayState (never another site). */
    static String landing(Optional<RelayState.Issued> issued, String relayState) {
        if (issued.isEmpty() && relayState != null && relayState.matches("/(?![/\\\\])[A-Za-z0-9/_.~-]{0,200}")) return relayState;
        return SsoRoutes.ME;
    }

    private long record(UUID orgId, String flow, boolean success, String reason, String detail, Optional<String> hint,
                        VerifiedAssertion a, Optional<UUID> accountId) {
        Optional<String> nameId = Optional.ofNullable(a).map(VerifiedAssertion::nameId);
        Map<String, List<String>> attributes = a == null ? Map.of() : a.attributes();
        return tx.inTransaction(c -> logStore.insert(c, orgId, flow, success, reason, detail, hint, nameId, accountId, attributes));
    }

    /** A signed-in member; empty when the cookie names no live session. */
    public record Member(UUID orgId, ManagedAccount account, Instant signedInAt, Instant sessionExpiresAt) {}

    /** The session's member, or why it ended: an account that is no longer active ends every session it has, now. */
    public sealed interface SessionState {
        record None() implements SessionState {}

        record Live(Member member) implements SessionState {}

        record Ended(ManagedAccount account) implements SessionState {}
    }

    public SessionState session(String cookie) {
        if (cookie == null || cookie.isEmpty() || cookie.length() > 100) return new SessionState.None();
        byte[] id = Secrets.hash(cookie);
        Optional<SignInStore.Session> session = tx.read(c -> store.findSession(c, id));
        if (session.isEmpty()) return new SessionState.None();
        Optional<ManagedAccount> account = accounts.find(session.get().orgId(), session.get().accountId());
        if (account.isEmpty() || !account.get().active()) {
            tx.inTransaction(c -> {
                store.deleteSessionsOf(c, session.get().accountId());
                return null;
            });
            return account.<SessionState>map(SessionState.Ended::new).orElseGet(SessionState.None::new);
        }
        return new SessionState.Live(new Member(session.get().orgId(), account.get(), session.get().createdAt(), session.get().expiresAt()));
    }

    public void signOut(String cookie) {
        if (cookie == null || cookie.isEmpty() || cookie.length() > 100) return;
        tx.inTransaction(c -> {
            store.deleteSession(c, Secrets.hash(cookie));
            return null;
        });
    }

    /** The sign-in log, newest first: by outcome, email (part of the NameID) or reason code, since a time, before an entry id. */
    public List<SignInLogEntry> log(UUID orgId, Optional<Boolean> success, Optional<String> text, Optional<Instant> since,
                                    Optional<Long> before, int limit) {
        return tx.read(c -> logStore.list(c, orgId, new SignInLogStore.Query(success, text.map(String::strip).filter(t -> !t.isEmpty()),
                since, before, Optional.empty(), Math.clamp(limit, 1, 201))));
    }

    /** Counts stop here: beyond it the console says "more than 10,000". */
    public static final int LOG_COUNT_CAP = 10_000;

    /** A page of the sign-in log and how many entries its filters match over all pages (at most {@link #LOG_COUNT_CAP} + 1). */
    public record LogPage(List<SignInLogEntry> entries, long matching) {}

    /**
     * As {@link #log}, also {@code after} an entry (the newer page, for Previous), with the count
     * of everything the filters match, read in one snapshot so the two agree.
     */
    public LogPage logPage(UUID orgId, Optional<Boolean> success, Optional<String> text, Optional<Instant> since,
                           Optional<Long> before, Optional<Long> after, int limit) {
        var q = new SignInLogStore.Query(success, text.map(String::strip).filter(t -> !t.isEmpty()), since, before, after,
                Math.clamp(limit, 1, 201));
        return tx.readSnapshot(c -> new LogPage(logStore.list(c, orgId, q), logStore.countUpTo(c, orgId, q, LOG_COUNT_CAP + 1)));
    }

    public Optional<SignInLogEntry> logEntry(UUID orgId, long id) {
        return tx.read(c -> logStore.find(c, orgId, id));
    }

    /** Starting a test or console sign-in from the console (purposes outside this package). */
    public String startTest(UUID orgId, SpValues sp) throws Refusal {
        return start(orgId, sp, Purpose.TEST);
    }

    /** A console admin's sign-in, with its request id: the console binds the page to return to to it. */
    public Started startConsoleSignIn(UUID orgId, SpValues sp) throws Refusal {
        return begin(orgId, sp, Purpose.CONSOLE, false);
    }

    public String startMember(UUID orgId, SpValues sp) throws Refusal {
        return start(orgId, sp, Purpose.MEMBER);
    }

    /** A member sign-in an app asked for (OpenID Connect): the member lands on the app landing afterwards. */
    public String startForApp(UUID orgId, SpValues sp, boolean forceAuthn) throws Refusal {
        return start(orgId, sp, Purpose.APP, forceAuthn);
    }

    public String spMetadata(UUID orgId, SpValues sp) {
        return JavaSaml.spMetadata(settings.get(orgId), sp);
    }
}
