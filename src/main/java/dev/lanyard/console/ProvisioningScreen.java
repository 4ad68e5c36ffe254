package dev.lanyard.console;

import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.http.Access;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.provisioning.ScimRoutes;
import dev.lanyard.token.ProvisioningToken;
import dev.lanyard.token.TokenService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Organization > User provisioning (docs/product-rules.md rules 1-3):
 *
 * <pre>
 * GET  /console/provisioning?range=7d               status, activity chart (24h or 7d), SCIM URL, tokens, "Generate token"
 * GET  /console/provisioning/manage                 the "Enable" checkbox and "Save"
 * POST /console/provisioning/manage                 saves (CSRF), 303 back with a message
 * POST /console/provisioning/tokens                 issues a token (CSRF), 303 to its one-time view
 * GET  /console/provisioning/tokens/{id}            shows the new token once; later "already shown"
 * GET  /console/provisioning/tokens/{id}/revoke     confirmation
 * POST /console/provisioning/tokens/{id}/revoke     revokes (CSRF), 303 back
 * </pre>
 *
 * Everything acts on the session's organization only.
 */
final class ProvisioningScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/provisioning";

    private final OrganizationService organizations;
    private final TokenService tokens;
    private final BaseUrl baseUrl;
    private final ProvisioningLog log;
    private final ConsoleCookies cookies;

    ProvisioningScreen(OrganizationService organizations, TokenService tokens, BaseUrl baseUrl,
                       ProvisioningLog log, ConsoleCookies cookies) {
        this.cookies = cookies;
        this.organizations = organizations;
        this.tokens = tokens;
        this.baseUrl = baseUrl;
        this.log = log;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_ORGANIZATION, this::show);
        routes.get(PATH + "/manage", Access.CONSOLE_ORGANIZATION, this::manage);
        routes.post(PATH + "/manage", Access.CONSOLE_ORGANIZATION, this::save);
        routes.post(PATH + "/tokens", Access.CONSOLE_ORGANIZATION, this::generate);
        routes.get(PATH + "/tokens/{id}", Access.CONSOLE_ORGANIZATION, this::issued);
        routes.get(PATH + "/tokens/{id}/revoke", Access.CONSOLE_ORGANIZATION, this::confirmRevoke);
        routes.post(PATH + "/tokens/{id}/revoke", Access.CONSOLE_ORGANIZATION, this::revoke);
    }

    private void show(Context ctx, ConsoleSession s) {
        Optional<String> notice = switch (Optional.ofNullable(ctx.queryParam("done")).orElse("")) {
            case "saved" -> Optional.of("Settings saved.");
            case "revoked" -> Optional.of("The token was revoked: requests with it are now refused.");
            default -> Optional.empty();
        };
        Views.render(ctx, 200, "console/provisioning.jte", new ProvisioningPage(s, enabled(s),
                scimUrl(ctx, s), list(s), notice, activity(s, ctx.queryParam("range"))));
    }

    /** At most 168 hourly rows (provisioning_activity), however many requests the log holds. */
    private ActivityChart activity(ConsoleSession s, String range) {
        ActivityChart.Range r = ActivityChart.Range.parse(range);
        Instant now = Instant.now();
        return ActivityChart.of(r, log.activity(s.orgId(), r.start(now)), now);
    }

    private void manage(Context ctx, ConsoleSession s) {
        Views.render(ctx, 200, "console/provisioning_manage.jte", new ProvisioningPage.Manage(s, enabled(s)));
    }

    private void save(Context ctx, ConsoleSession s) {
        // An unticked checkbox sends nothing: absent means "not enabled".
        boolean enable = ctx.formParam("enabled") != null;
        // Turning it off stops every sync at once: ask first, and only a confirmed form does it.
        if (!enable && enabled(s) && !"yes".equals(ctx.formParam("confirm"))) {
            Views.render(ctx, 200, "console/provisioning_disable.jte", new ProvisioningPage.Manage(s, true));
            return;
        }
        organizations.setProvisioningEnabled(s.orgId().toString(), enable, s.actor());
        ctx.redirect(PATH + "?done=saved", HttpStatus.SEE_OTHER);
    }

    private void generate(Context ctx, ConsoleSession s) {
        String label = Optional.ofNullable(ctx.formParam("label")).orElse("").strip();
        ProvisioningToken.Issued issued = tokens.issue(s.orgId(), label, s.email(), s.actor());
        // Post/Redirect/Get: the secret rides to the one-time view in a cookie for that path only,
        // so reloading or going Back never posts again (no second token) and never shows it twice.
        String view = PATH + "/tokens/" + issued.token().id();
        cookies.setForPath(ctx, ConsoleCookies.NEW_TOKEN, issued.secret(), view, ConsoleCookies.NEW_TOKEN_SECONDS);
        ctx.redirect(view + guide(ctx.formParam("guide")).map(g -> "?guide=" + g).orElse(""), HttpStatus.SEE_OTHER);
    }

    /**
     * The new token, once: only with the cookie the POST set, and only if it holds this token's
     * secret (the hash must match). The page clears the cookie; without it, "already shown".
     */
    private void issued(Context ctx, ConsoleSession s) {
        ProvisioningToken token = OrganizationService.parseUuid(ctx.pathParam("id"))
                .flatMap(id -> tokens.findActive(s.orgId(), id)).orElseThrow(NotFoundResponse::new);
        String view = PATH + "/tokens/" + token.id();
        String secret = ctx.cookie(ConsoleCookies.NEW_TOKEN);
        boolean fresh = tokens.isSecretOf(s.orgId(), token.id(), secret);
        if (secret != null) cookies.setForPath(ctx, ConsoleCookies.NEW_TOKEN, "", view, 0);
        int others = tokens.listActive(s.orgId()).size() - 1;
        Optional<String> guide = guide(ctx.queryParam("guide"));
        // no-store (set for all console pages) keeps the one answer with the secret out of caches.
        Views.render(ctx, 200, "console/provisioning_token.jte", new ProvisioningPage.Issued(s, scimUrl(ctx, s),
                label(token), token.shownPrefix(), fresh ? Optional.of(secret) : Optional.empty(), others,
                guide.map(g -> SetupScreen.PATH + "/" + g), guide.map(SetupScreen::idpName)));
    }

    /** The setup guide a "Generate token for ..." button came from, so the token page leads back to it. */
    private static Optional<String> guide(String value) {
        return value != null && SetupScreen.GUIDES.contains(value) ? Optional.of(value) : Optional.empty();
    }

    private static String label(ProvisioningToken t) {
        return t.label().isEmpty() ? "(no label)" : t.label();
    }

    private void confirmRevoke(Context ctx, ConsoleSession s) {
        Views.render(ctx, 200, "console/provisioning_revoke.jte", new ProvisioningPage.ConfirmRevoke(s, token(ctx, s)));
    }

    private void revoke(Context ctx, ConsoleSession s) {
        tokens.revoke(s.orgId(), UUID.fromString(token(ctx, s).id()), s.actor());
        ctx.redirect(PATH + "?done=revoked", HttpStatus.SEE_OTHER);
    }

    private ProvisioningPage.Token token(Context ctx, ConsoleSession s) {
        String id = ctx.pathParam("id");
        return list(s).stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow(NotFoundResponse::new);
    }

    private List<ProvisioningPage.Token> list(ConsoleSession s) {
        return tokens.listActive(s.orgId()).stream()
                .map(t -> new ProvisioningPage.Token(t.id().toString(), label(t), t.shownPrefix(),
                        t.createdBy().isEmpty() ? "unknown" : t.createdBy(), Times.text(t.createdAt()), t.lastUsedAt().map(Times::text).orElse("never")))
                .toList();
    }

    private boolean enabled(ConsoleSession s) {
        return organizations.findById(s.orgId()).map(o -> o.provisioningEnabled()).orElseThrow(NotFoundResponse::new);
    }

    private String scimUrl(Context ctx, ConsoleSession s) {
        return baseUrl.of(ctx) + ScimRoutes.PREFIX + s.orgId();
    }

    /** What the setup guides fill in: this organization's status and SCIM URL. */
    SetupPage setup(Context ctx, ConsoleSession s) {
        return new SetupPage(s, enabled(s), scimUrl(ctx, s), tokens.listActive(s.orgId()).size());
    }
}
