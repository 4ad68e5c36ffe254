package dev.lanyard;

import dev.lanyard.account.AccountService;
import dev.lanyard.audit.AuditTrailService;
import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.console.ActorNames;
import dev.lanyard.console.ConsoleRoutes;
import dev.lanyard.directory.Directory;
import dev.lanyard.directory.DirectoryRoutes;
import dev.lanyard.group.GroupService;
import dev.lanyard.http.Access;
import dev.lanyard.http.AccessLog;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.http.BelowRouterErrors;
import dev.lanyard.http.RequestStarts;
import dev.lanyard.http.Errors;
import dev.lanyard.http.Json;
import dev.lanyard.http.QueryEncoding;
import dev.lanyard.http.RequestIds;
import dev.lanyard.http.SlowClients;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.oidc.EmailDomains;
import dev.lanyard.oidc.MemberSignIn;
import dev.lanyard.oidc.OidcRoutes;
import dev.lanyard.oidc.OidcService;
import dev.lanyard.oidc.SigningKeys;
import dev.lanyard.operator.AppRoutes;
import dev.lanyard.operator.AuditRoutes;
import dev.lanyard.operator.OperatorRoutes;
import dev.lanyard.operator.ProvisioningLogRoutes;
import dev.lanyard.operator.SafeguardRoutes;
import dev.lanyard.operator.WebhookRoutes;
import dev.lanyard.orgadmin.AdminUserService;
import dev.lanyard.orgadmin.ConsoleAuth;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.provisioning.ProvisioningLogCapture;
import dev.lanyard.provisioning.ScimResponses;
import dev.lanyard.provisioning.ScimRoutes;
import dev.lanyard.safeguard.SafeguardService;
import dev.lanyard.sso.MetadataFetcher;
import dev.lanyard.sso.SamlRoutes;
import dev.lanyard.sso.SamlSettingsService;
import dev.lanyard.sso.SsoRoutes;
import dev.lanyard.sso.SsoService;
import dev.lanyard.storage.Database;
import dev.lanyard.storage.ServerSecrets;
import dev.lanyard.storage.Transactions;
import dev.lanyard.token.OperatorCredential;
import dev.lanyard.token.TokenService;
import dev.lanyard.directory.EventCursor;
import dev.lanyard.directory.EventStore;
import dev.lanyard.webhook.EventFeed;
import dev.lanyard.webhook.WebhookDispatcher;
import dev.lanyard.webhook.WebhookOptions;
import dev.lanyard.webhook.WebhookService;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.eclipse.jetty.server.handler.GracefulHandler;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Wires the application: services on one database, and every route declared here, in one place.
 * {@link #create} returns the server unstarted, so tests and {@link Lanyard} start it the same way.
 */
public final class App {
    /** What the routes need; built once per process (or per test class). */
    public record Services(Database database, OrganizationService organizations, TokenService tokens,
                           AccountService accounts, GroupService groups, OperatorCredential operator, ServerSecrets secrets,
                           AdminUserService admins, ConsoleAuth consoleAuth, ProvisioningLog provisioningLog,
                           PrometheusMeterRegistry metrics, SamlSettingsService saml, SsoService sso,
                           ClientService apps, EmailDomains emailDomains, SigningKeys signingKeys, OidcService oidc,
                           Directory directory, SafeguardService safeguard, AuditTrailService auditTrail,
                           Housekeeping housekeeping, WebhookService webhooks, WebhookDispatcher webhookDispatcher) implements AutoCloseable {
        public static Services on(Database database) {
            return on(database, java.time.Duration.ofDays(dev.lanyard.config.Settings.DEFAULT_LOG_RETENTION_DAYS));
        }

        public static Services on(Database database, java.time.Duration logRetention) {
            return on(database, logRetention, java.time.Duration.ofDays(dev.lanyard.config.Settings.DEFAULT_EVENT_RETENTION_DAYS));
        }

        public static Services on(Database database, java.time.Duration logRetention, java.time.Duration eventRetention) {
            return on(database, logRetention, eventRetention,
                    java.time.Duration.ofDays(dev.lanyard.config.Settings.DEFAULT_AUDIT_RETENTION_DAYS));
        }

        public static Services on(Database database, java.time.Duration logRetention, java.time.Duration eventRetention,
                                  java.time.Duration auditRetention) {
            return on(database, logRetention, eventRetention, auditRetention, WebhookOptions.defaults(false));
        }

        public static Services on(Database database, java.time.Duration logRetention, java.time.Duration eventRetention,
                                  java.time.Duration auditRetention, WebhookOptions webhookOptions) {
            var tx = new Transactions(database.dataSource());
            var organizations = new OrganizationService(tx);
            var metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            var operator = new OperatorCredential(tx);
            var accounts = new AccountService(tx, SafeguardService.guard());  // the mass-deprovisioning safeguard asked first
            var secrets = new ServerSecrets(tx);
            var saml = new SamlSettingsService(tx, MetadataFetcher.publicOnly());
            var clock = java.time.Clock.systemUTC();
            var admins = new AdminUserService(tx);
            var sso = new SsoService(tx, saml, accounts, secrets.get("saml-relay-state-key"), clock, OidcRoutes.RESUME, admins::isAdmin);
            var apps = new ClientService(tx);
            var signingKeys = new SigningKeys(tx, secrets.get("oidc-signing-key-seal"), clock);
            var tokens = new TokenService(tx);
            organizations.onProvisioningChanged(tokens::forgetOrganization);  // the token cache applies it at once (issue 16)
            var auditTrail = new AuditTrailService(tx);
            var directory = new Directory(tx, eventRetention);
            EventFeed feed = directoryFeed(directory.events());
            byte[] webhookSeal = secrets.get("webhook-secret-seal");
            var webhooks = new WebhookService(tx, apps, webhookSeal, feed, webhookOptions);
            return new Services(database, organizations, tokens, accounts, new GroupService(tx),
                    operator, secrets, admins,
                    new ConsoleAuth(tx, organizations, operator), new ProvisioningLog(tx, logRetention, metrics), metrics, saml, sso,
                    apps, new EmailDomains(tx), signingKeys, new OidcService(tx, apps, accounts, organizations, signingKeys, clock),
                    directory, new SafeguardService(tx, accounts), auditTrail,
                    new Housekeeping(auditTrail, saml, auditRetention, logRetention, clock).start(),
                    webhooks, new WebhookDispatcher(tx, feed, webhookSeal, webhookOptions).start());
        }

        /** Stops the background work (the provisioning log's writer and retention); the database is closed by its owner. */
        @Override
        public void close() {
            webhookDispatcher.close();
            provisioningLog.close();
            directory.close();
            housekeeping.close();
        }
    }

    private App() {}

    /**
     * Webhooks follow the directory's event feed (dev.lanyard.directory, docs/events.md): its
     * cursor kept as the feed's opaque text, the event's subject as the key kept in order, and the
     * event as apps see it in the feed as the body. Neither package imports the other.
     */
    static EventFeed directoryFeed(EventStore events) {
        return new EventFeed() {
            @Override
            public java.util.List<EventFeed.Event> after(java.sql.Connection c, java.util.UUID orgId, String cursor, int limit)
                    throws java.sql.SQLException {
                return EventStore.readAfter(c, orgId, EventCursor.parse(Optional.of(cursor)), limit).stream()
                        .map(e -> new EventFeed.Event(e.cursor().encode(), e.id().toString(), e.type(), e.subjectId().toString(), e.toJson()))
                        .toList();
            }

            @Override
            public String now(java.sql.Connection c) {
                return events.now().encode();
            }
        };
    }

    /** The OpenID provider finds signed-in members through SAML sign-in's member sessions (neither package imports the other). */
    static MemberSignIn memberSignIn(SsoService sso) {
        return new MemberSignIn() {
            @Override
            public Optional<SignedIn> current(io.javalin.http.Context ctx, java.util.UUID orgId) {
                if (sso.session(ctx.cookie(SsoRoutes.COOKIE)) instanceof SsoService.SessionState.Live live && live.member().orgId().equals(orgId)) {
                    return Optional.of(new SignedIn(live.member().account().id(), live.member().signedInAt()));
                }
                return Optional.empty();
            }

            @Override
            public String signInUrl(java.util.UUID orgId, boolean reauthenticate) {
                return SsoRoutes.PREFIX + "/" + orgId + "/login?for=app" + (reauthenticate ? "&" + SsoRoutes.FORCE + "=true" : "");
            }
        };
    }

    public static Javalin create(Services s, Optional<URI> publicUrl) {
        var baseUrl = new BaseUrl(publicUrl);
        var scim = new ScimRoutes(s.accounts(), s.groups(), s.tokens(), baseUrl, s.secrets().get("scim-cursor-key"));
        var admin = new OperatorRoutes(s.organizations(), s.tokens(), s.accounts(), s.admins(), s.operator(), baseUrl);
        var provisioningLogRoutes = new ProvisioningLogRoutes(s.organizations(), s.provisioningLog());
        var auditRoutes = new AuditRoutes(s.organizations(), s.auditTrail());
        var safeguardRoutes = new SafeguardRoutes(s.organizations(), s.safeguard());
        var console = new ConsoleRoutes(s.consoleAuth(), s.accounts(), s.groups(), s.organizations(), s.tokens(), s.provisioningLog(),
                new ActorNames(s.tokens(), s.admins()), baseUrl, s.saml(), s.sso(), s.apps(), s.admins(), s.safeguard(), s.auditTrail(),
                s.webhooks());
        var ssoRoutes = new SsoRoutes(s.sso(), s.organizations(), baseUrl, console::signInBySaml);
        var samlRoutes = new SamlRoutes(s.organizations(), s.saml(), s.sso(), baseUrl);
        var oidcRoutes = new OidcRoutes(s.apps(), s.oidc(), s.signingKeys(), s.organizations(), s.emailDomains(),
                memberSignIn(s.sso()), s.secrets().get("oidc-continuation-key"), baseUrl, java.time.Clock.systemUTC());
        var appRoutes = new AppRoutes(s.apps(), s.emailDomains(), s.signingKeys(), s.organizations());
        var directoryRoutes = new DirectoryRoutes(s.directory(), s.apps(), s.organizations());
        var accessLog = new AccessLog(s.metrics());
        var provisioningLogCapture = new ProvisioningLogCapture(s.provisioningLog(), s.metrics());

        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.concurrency.useVirtualThreads = true;
            config.http.maxRequestSize = Json.MAX_BODY_BYTES;
            config.router.ignoreTrailingSlashes = true;
            config.requestLogger.http((ctx, millis) -> {
                accessLog.log(ctx, millis);
                provisioningLogCapture.capture(ctx, millis);
            });
            // Let in-flight requests finish on shutdown (SIGTERM) while new ones are refused.
            config.jetty.modifyServer(server -> {
                server.setStopTimeout(30_000);
                var graceful = new GracefulHandler();
                graceful.setHandler(server.getHandler());
                server.setHandler(graceful);
                // 414, 431 and malformed requests that never reach the router answer in our shapes too.
                server.setErrorHandler(new BelowRouterErrors(ConsoleRoutes::owns, ConsoleRoutes::errorHtml));
                RequestStarts.install(server);  // so that they can tell /console from /scim when Jetty could not read the URI
                SlowClients.protect(server);
            });

            config.routes.before(RequestIds::assign);
            config.routes.before(QueryEncoding::check);
            // Health and metrics answer anybody (load balancers, Prometheus); every other rule is
            // declared by the area that registers the route (SCIM, console, the operator's API).
            config.routes.get("/healthz", ctx -> ctx.contentType("text/plain").result("ok\n"), Access.PUBLIC);
            config.routes.get("/readyz", ctx -> {
                boolean up = s.database().isReachable();
                ctx.status(up ? 200 : 503).contentType("text/plain").result(up ? "ready\n" : "database unreachable\n");
            }, Access.PUBLIC);
            // Metrics name routes, organizations' traffic and failures: the operator's, like the admin API.
            config.routes.before("/metrics", admin::requireOperator);
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4").result(s.metrics().scrape()),
                    Access.OPERATOR);
            scim.register(config.routes);
            admin.register(config.routes);
            provisioningLogRoutes.register(config.routes);
            auditRoutes.register(config.routes);
            safeguardRoutes.register(config.routes);
            appRoutes.register(config.routes);
            new WebhookRoutes(s.webhooks(), s.organizations()).register(config.routes);
            oidcRoutes.register(config.routes);
            samlRoutes.register(config.routes);
            ssoRoutes.register(config.routes);
            console.register(config.routes);
            directoryRoutes.register(config.routes);
            Errors.register(config.routes, List.of(
                    new Errors.Area(path -> path.startsWith(ScimRoutes.PREFIX), ScimResponses::error),
                    new Errors.Area(SsoRoutes::owns, (ctx, status, type, detail) -> SsoRoutes.error(ctx, status, detail)),
                    new Errors.Area(OidcRoutes::owns, (ctx, status, type, detail) -> OidcRoutes.error(ctx, status, detail)),
                    new Errors.Area(DirectoryRoutes::owns, (ctx, status, type, detail) -> DirectoryRoutes.error(ctx, status, detail)),
                    new Errors.Area(ConsoleRoutes::owns, (ctx, status, type, detail) -> console.errorPage(ctx, status, detail))),
                    (ctx, status, type, detail) -> OperatorRoutes.error(ctx, status, detail));
        });
    }
}
