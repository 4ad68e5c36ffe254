package dev.lanyard.oidc;

import dev.lanyard.audit.AuditAction;
import dev.lanyard.audit.AuditTrail;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.storage.Transactions;
import dev.lanyard.token.Secrets;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The apps registry: the operator registers, changes and deletes apps and rotates their secrets;
 * an organization's admin turns an app off for the organization. A secret is shown once, when it
 * is made; only its SHA-256 is kept (256 random bits need no slow hash, see {@link Secrets}).
 */
public final class ClientService {
    public static final String SECRET_PREFIX = "lanyard_oidc_";
    public static final Duration DEFAULT_ACCESS_TOKEN = Duration.ofMinutes(10);
    public static final Duration DEFAULT_REFRESH_TOKEN = Duration.ofDays(30);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Transactions tx;
    private final ClientStore store = new ClientStore();

    public ClientService(Transactions tx) {
        this.tx = tx;
    }

    /** What the operator asks for; empty {@code organizations} means every organization. */
    public record Spec(String name, List<String> redirectUris, boolean publicClient, Optional<List<UUID>> organizations,
                       Duration accessTokenLifetime, Duration refreshTokenLifetime) {}

    /** A new secret: shown once. */
    public record IssuedSecret(UUID id, String secret) {}

    public record Registered(OidcClient client, Optional<IssuedSecret> secret) {}

    /** An app as an organization sees it: whether its members may use it, and whether the organization turned it off. */
    public record ForOrganization(OidcClient client, boolean turnedOff) {}

    public record SecretInfo(UUID id, java.time.Instant createdAt, Optional<java.time.Instant> revokedAt) {}

    public Registered create(Spec spec) {
        OidcClient client = new OidcClient(UUID.randomUUID(), "app_" + random(16), name(spec.name()),
                RedirectUris.validate(spec.redirectUris()), spec.publicClient(), spec.organizations().isEmpty(),
                spec.organizations().orElse(List.of()), accessLifetime(spec.accessTokenLifetime()),
                refreshLifetime(spec.refreshTokenLifetime()), java.time.Instant.now());
        if (spec.organizations().isPresent() && spec.organizations().get().isEmpty()) {
            throw new DomainException.Invalid("organizations must name at least one organization (leave it out for all)");
        }
        return tx.inTransaction(c -> {
            store.insert(c, client);
            Optional<IssuedSecret> secret = Optional.empty();
            if (!client.publicClient()) secret = Optional.of(newSecret(c, client.id()));
            return new Registered(store.find(c, client.id()).orElseThrow(), secret);
        });
    }

    /** Changes what the spec names; the kind (public or confidential) and the client id never change. */
    public OidcClient update(String app, Optional<String> name, Optional<List<String>> redirectUris,
                             Optional<Optional<List<UUID>>> organizations, Optional<Duration> access, Optional<Duration> refresh) {
        return tx.inTransaction(c -> {
            OidcClient old = store.find(c, resolve(c, app)).orElseThrow();
            Optional<List<UUID>> orgs = organizations.orElse(old.allOrganizations() ? Optional.empty() : Optional.of(old.organizations()));
            if (orgs.isPresent() && orgs.get().isEmpty()) {
                throw new DomainException.Invalid("organizations must name at least one organization (null for all)");
            }
            OidcClient changed = new OidcClient(old.id(), old.clientId(), name.map(ClientService::name).orElse(old.name()),
                    redirectUris.map(RedirectUris::validate).orElse(old.redirectUris()), old.publicClient(), orgs.isEmpty(),
                    orgs.orElse(List.of()), access.map(ClientService::accessLifetime).orElse(old.accessTokenLifetime()),
                    refresh.map(ClientService::refreshLifetime).orElse(old.refreshTokenLifetime()), old.createdAt());
            store.update(c, changed);
            return store.find(c, old.id()).orElseThrow();
        });
    }

    public List<OidcClient> list() {
        return tx.read(store::list);
    }

    /** By id or client id; {@link DomainException.NotFound} otherwise. */
    public OidcClient get(String app) {
        return tx.read(c -> store.find(c, resolve(c, app)).orElseThrow());
    }

    Optional<OidcClient> find(UUID id) {
        return tx.read(c -> store.find(c, id));
    }

    public Optional<OidcClient> findByClientId(String clientId) {
        if (clientId == null || clientId.length() > 100) return Optional.empty();
        return tx.read(c -> store.findByClientId(c, clientId));
    }

    /** Deleting an app ends every code, token and grant it holds (cascade). */
    public void delete(String app) {
        tx.inTransaction(c -> store.delete(c, resolve(c, app)));
    }

    public IssuedSecret addSecret(String app) {
        return tx.inTransaction(c -> {
            OidcClient client = store.find(c, resolve(c, app)).orElseThrow();
            if (client.publicClient()) throw new DomainException.Invalid("a public client has no secrets");
            if (store.secrets(c, client.id()).stream().filter(s -> s.revokedAt().isEmpty()).count() >= 5) {
                throw new DomainException.Conflict("an app has at most 5 live secrets: revoke one first");
            }
            return newSecret(c, client.id());
        });
    }

    public void revokeSecret(String app, UUID secretId) {
        tx.inTransaction(c -> {
            if (store.revokeSecret(c, resolve(c, app), secretId) == 0) throw new DomainException.NotFound("no secret " + secretId);
            return null;
        });
    }

    public List<SecretInfo> secrets(String app) {
        return tx.read(c -> store.secrets(c, resolve(c, app)).stream()
                .map(s -> new SecretInfo(s.id(), s.createdAt(), s.revokedAt())).toList());
    }

    /** Whether {@code secret} is one of the client's live secrets (constant work whatever the value). */
    boolean secretMatches(OidcClient client, String secret) {
        if (client.publicClient() || secret == null || secret.length() > 200) return false;
        return tx.read(c -> store.secretMatches(c, client.id(), Secrets.hash(secret)));
    }

    /** The apps the organization's members may use (allowed by the operator), and which the organization turned off. */
    public List<ForOrganization> forOrganization(UUID orgId) {
        return tx.read(c -> {
            List<UUID> off = store.turnedOffBy(c, orgId);
            return store.list(c).stream().filter(a -> a.allowsOrganization(orgId))
                    .map(a -> new ForOrganization(a, off.contains(a.id()))).toList();
        });
    }

    public void setTurnedOff(UUID orgId, String app, boolean off, String by) {
        tx.inTransaction(c -> {
            OidcClient client = store.find(c, resolve(c, app)).orElseThrow();
            if (!client.allowsOrganization(orgId)) throw new DomainException.NotFound("the app " + client.name() + " is not offered to this organization");
            boolean wasOff = store.turnedOffBy(c, orgId).contains(client.id());
            if (wasOff == off) return null;
            store.setTurnedOff(c, client.id(), orgId, off, by);
            AuditTrail.record(c, orgId, Actor.parse(by), off ? AuditAction.APP_TURNED_OFF : AuditAction.APP_TURNED_ON,
                    AuditTrail.Target.of("app", client.clientId(), client.name()), AuditTrail.detail());
            return null;
        });
    }

    /**
     * The confidential app these client credentials belong to (the Directory API's HTTP Basic,
     * RFC 6749 §2.3.1): its client id and one of its live secrets, compared as SHA-256 in the
     * database (docs/oidc.md); empty for anything else, a public client included.
     */
    public Optional<OidcClient> authenticate(String clientId, String secret) {
        return findByClientId(clientId).filter(client -> secretMatches(client, secret));
    }

    /**
     * Whether the app may use the organization now: sign its members in, read its directory (the
     * Directory API and the event feed) and receive its webhooks. Allowed by the operator and not
     * turned off by the organization's admins; the rule is {@link #usableBySql}, nowhere else.
     */
    public boolean usableBy(OidcClient client, UUID orgId) {
        return tx.read(c -> store.usable(c, client.id(), orgId));
    }

    /**
     * The one statement of who may use an organization, as a SQL condition over an
     * {@code oidc_clients} row aliased {@code app} and an organization id expression {@code orgId}
     * (both SQL names written in code, never values): the operator allows the app for every
     * organization or lists this one ({@code oidc_client_organizations}), and the organization's
     * admins have not turned it off ({@code oidc_client_turned_off}). {@link #usableBy} asks it for
     * one app; the webhook dispatcher joins it into its queries, so a webhook follows the same rule
     * as the Directory API's 404.
     */
    public static String usableBySql(String app, String orgId) {
        return "((" + app + ".all_organizations or exists (select 1 from oidc_client_organizations uo where uo.client = " + app
                + ".id and uo.org_id = " + orgId + ")) and not exists (select 1 from oidc_client_turned_off ut where ut.client = "
                + app + ".id and ut.org_id = " + orgId + "))";
    }

    private IssuedSecret newSecret(java.sql.Connection c, UUID client) throws java.sql.SQLException {
        String secret = Secrets.generate(SECRET_PREFIX);
        UUID id = UUID.randomUUID();
        store.insertSecret(c, id, client, Secrets.hash(secret));
        return new IssuedSecret(id, secret);
    }

    private UUID resolve(java.sql.Connection c, String app) throws java.sql.SQLException {
        Optional<UUID> id = OrganizationService.parseUuid(app);
        if (id.isPresent() && store.find(c, id.get()).isPresent()) return id.get();
        return store.findByClientId(c, app).map(OidcClient::id)
                .orElseThrow(() -> new DomainException.NotFound("no app \"" + app + "\""));
    }

    private static String name(String name) {
        if (name == null || name.isBlank() || name.length() > 200) throw new DomainException.Invalid("name must be 1 to 200 characters");
        return name.strip();
    }

    private static Duration accessLifetime(Duration d) {
        if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofDays(1)) > 0) {
            throw new DomainException.Invalid("accessTokenSeconds must be between 60 and 86400");
        }
        return d;
    }

    private static Duration refreshLifetime(Duration d) {
        if (d.isNegative() || d.compareTo(Duration.ofDays(90)) > 0) {
            throw new DomainException.Invalid("refreshTokenSeconds must be between 0 (none) and 7776000 (90 days)");
        }
        return d;
    }

    private static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
