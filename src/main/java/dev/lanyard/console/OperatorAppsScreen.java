package dev.lanyard.console;

import dev.lanyard.domain.DomainException;
import dev.lanyard.http.Access;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.oidc.OidcClient;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The operator registers and looks after the apps that sign members in through Lanyard by
 * OpenID Connect (docs/oidc.md), as {@code bin/lanyard app ...} and {@code /admin/api/apps} do,
 * through the same {@link ClientService} (its checks and messages: exact redirect URIs, https
 * except for loopback, at most 5 live secrets):
 *
 * <pre>
 * GET  /console/operator/apps                          every app, and "Register an app"
 * POST /console/operator/apps                          registers one (CSRF); a confidential app's secret is shown once
 * GET  /console/operator/apps/{id}                     its settings, secrets, organizations
 * POST /console/operator/apps/{id}                     changes name, redirect URIs, organizations (CSRF)
 * POST /console/operator/apps/{id}/secrets             another secret, for rotation (CSRF), shown once
 * GET  /console/operator/apps/{id}/secret              the new secret, once ({@link ShownOnce})
 * POST /console/operator/apps/{id}/secrets/{secret}/revoke   revokes one (CSRF)
 * GET  /console/operator/apps/{id}/delete              "are you sure?"; POST deletes it (CSRF) and every token it holds
 * </pre>
 */
final class OperatorAppsScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/operator/apps";
    /** One URI or organization a line; more lines than the service allows are refused by it (100). */
    private static final int MAX_LINES = 101;

    private final ClientService apps;
    private final OrganizationService organizations;
    private final ConsoleCookies cookies;

    OperatorAppsScreen(ClientService apps, OrganizationService organizations, ConsoleCookies cookies) {
        this.apps = apps;
        this.organizations = organizations;
        this.cookies = cookies;
    }

    void register(ConsoleRouter routes) {
        routes.get(PATH, Access.CONSOLE_OPERATOR, this::list);
        routes.post(PATH, Access.CONSOLE_OPERATOR, this::create);
        routes.get(PATH + "/{id}", Access.CONSOLE_OPERATOR, this::detail);
        routes.post(PATH + "/{id}", Access.CONSOLE_OPERATOR, this::change);
        routes.post(PATH + "/{id}/secrets", Access.CONSOLE_OPERATOR, this::addSecret);
        routes.get(PATH + "/{id}/secret", Access.CONSOLE_OPERATOR, this::secret);
        routes.post(PATH + "/{id}/secrets/{secret}/revoke", Access.CONSOLE_OPERATOR, this::revoke);
        routes.get(PATH + "/{id}/delete", Access.CONSOLE_OPERATOR, this::confirmDelete);
        routes.post(PATH + "/{id}/delete", Access.CONSOLE_OPERATOR, this::delete);
    }

    private void list(Context ctx, ConsoleSession s) {
        Optional<String> notice = ctx.queryParam("deleted") != null
                ? Optional.of("The app was deleted: its secrets, codes and tokens no longer work.") : Optional.empty();
        renderList(ctx, s, 200, OperatorAppsPage.Form.empty(), Optional.empty(), notice);
    }

    private void renderList(Context ctx, ConsoleSession s, int status, OperatorAppsPage.Form form, Optional<String> error,
                            Optional<String> notice) {
        Map<UUID, String> names = orgNames();
        Views.render(ctx, status, "console/operator_apps.jte", new OperatorAppsPage(s, apps.list().stream()
                .map(a -> row(a, names)).toList(), form, error, notice));
    }

    private void create(Context ctx, ConsoleSession s) {
        OperatorAppsPage.Form form = form(ctx);
        ClientService.Registered registered;
        try {
            registered = apps.create(new ClientService.Spec(form.name(), lines(form.redirectUris()), form.publicClient(),
                    organizationIds(form.organizations()), ClientService.DEFAULT_ACCESS_TOKEN, ClientService.DEFAULT_REFRESH_TOKEN));
        } catch (DomainException.Invalid | DomainException.NotFound | DomainException.Conflict e) {
            renderList(ctx, s, 400, form, Optional.of(OperatorScreen.sentence(e.getMessage())), Optional.empty());
            return;
        }
        String page = PATH + "/" + registered.client().id();
        if (registered.secret().isPresent()) {
            ShownOnce.redirect(ctx, cookies, page + "/secret", "registered", registered.secret().get().secret());
        } else {
            ctx.redirect(page + "?registered", HttpStatus.SEE_OTHER);
        }
    }

    private void detail(Context ctx, ConsoleSession s) {
        OidcClient app = app(ctx);
        Optional<String> notice = switch (ctx.queryString() == null ? "" : ctx.queryString()) {
            case "registered" -> Optional.of("The app is registered. A public app has no secret: it proves itself with PKCE.");
            case "saved" -> Optional.of("Saved.");
            case "revoked" -> Optional.of("The secret was revoked: the app can no longer use it.");
            default -> Optional.empty();
        };
        renderDetail(ctx, s, app, 200, formOf(app), Optional.empty(), notice);
    }

    private void renderDetail(Context ctx, ConsoleSession s, OidcClient app, int status, OperatorAppsPage.Form form,
                              Optional<String> error, Optional<String> notice) {
        List<OperatorAppsPage.Secret> secrets = app.publicClient() ? List.of() : apps.secrets(app.id().toString()).stream()
                .map(x -> new OperatorAppsPage.Secret(x.id().toString(), x.createdAt(), x.revokedAt())).toList();
        Views.render(ctx, status, "console/operator_app.jte", new OperatorAppsPage.Detail(s, row(app, orgNames()), form, secrets,
                error, notice, cookies.baseUrl().of(ctx)));
    }

    private void change(Context ctx, ConsoleSession s) {
        OidcClient app = app(ctx);
        OperatorAppsPage.Form form = form(ctx);
        try {
            apps.update(app.id().toString(), Optional.of(form.name()), Optional.of(lines(form.redirectUris())),
                    Optional.of(organizationIds(form.organizations())), Optional.empty(), Optional.empty());
        } catch (DomainException.Invalid | DomainException.NotFound | DomainException.Conflict e) {
            renderDetail(ctx, s, app, 400, new OperatorAppsPage.Form(form.name(), form.redirectUris(), app.publicClient(),
                    form.organizations()), Optional.of(OperatorScreen.sentence(e.getMessage())), Optional.empty());
            return;
        }
        ctx.redirect(PATH + "/" + app.id() + "?saved", HttpStatus.SEE_OTHER);
    }

    private void addSecret(Context ctx, ConsoleSession s) {
        OidcClient app = app(ctx);
        ClientService.IssuedSecret issued;
        try {
            issued = apps.addSecret(app.id().toString());
        } catch (DomainException.Invalid | DomainException.Conflict e) {
            renderDetail(ctx, s, app, 409, formOf(app), Optional.of(OperatorScreen.sentence(e.getMessage())), Optional.empty());
            return;
        }
        ShownOnce.redirect(ctx, cookies, PATH + "/" + app.id() + "/secret", "added", issued.secret());
    }

    private void secret(Context ctx, ConsoleSession s) {
        OidcClient app = app(ctx);
        Optional<java.util.List<String>> shown = ShownOnce.take(ctx, cookies, PATH + "/" + app.id() + "/secret", 2);
        Views.render(ctx, 200, "console/operator_app_secret.jte", new OperatorAppsPage.NewSecret(s, row(app, orgNames()),
                shown.map(v -> v.get(0).equals("registered")).orElse(false), shown.map(v -> v.get(1))));
    }

    private void revoke(Context ctx, ConsoleSession s) {
        OidcClient app = app(ctx);
        UUID secretId = OrganizationService.parseUuid(ctx.pathParam("secret")).orElseThrow(NotFoundResponse::new);
        apps.revokeSecret(app.id().toString(), secretId);  // another app's secret id: 404, nothing revoked
        ctx.redirect(PATH + "/" + app.id() + "?revoked", HttpStatus.SEE_OTHER);
    }

    private void confirmDelete(Context ctx, ConsoleSession s) {
        Views.render(ctx, 200, "console/operator_app_delete.jte", new OperatorAppsPage.NewSecret(s, row(app(ctx), orgNames()),
                false, Optional.empty()));
    }

    private void delete(Context ctx, ConsoleSession s) {
        apps.delete(app(ctx).id().toString());
        ctx.redirect(PATH + "?deleted", HttpStatus.SEE_OTHER);
    }

    private OidcClient app(Context ctx) {
        UUID id = OrganizationService.parseUuid(ctx.pathParam("id")).orElseThrow(NotFoundResponse::new);
        try {
            return apps.get(id.toString());
        } catch (DomainException.NotFound e) {
            throw new NotFoundResponse();
        } catch (java.util.NoSuchElementException e) {
            throw new NotFoundResponse();
        }
    }

    private Map<UUID, String> orgNames() {
        return organizations.list().stream().collect(Collectors.toMap(Organization::id, Organization::name, (a, b) -> a));
    }

    private static OperatorAppsPage.Row row(OidcClient a, Map<UUID, String> names) {
        List<String> orgs = a.allOrganizations() ? List.of() : a.organizations().stream()
                .map(id -> names.getOrDefault(id, id.toString())).toList();
        return new OperatorAppsPage.Row(a.id().toString(), a.clientId(), a.name(), a.redirectUris(), a.publicClient(),
                a.allOrganizations(), orgs, a.createdAt());
    }

    private OperatorAppsPage.Form formOf(OidcClient app) {
        Map<UUID, String> names = orgNames();
        return new OperatorAppsPage.Form(app.name(), String.join("\n", app.redirectUris()), app.publicClient(),
                app.allOrganizations() ? "" : app.organizations().stream().map(id -> names.getOrDefault(id, id.toString()))
                        .collect(Collectors.joining("\n")));
    }

    private static OperatorAppsPage.Form form(Context ctx) {
        Function<String, String> field = name -> Optional.ofNullable(ctx.formParam(name)).orElse("");
        return new OperatorAppsPage.Form(field.apply("name"), field.apply("redirect_uris"), ctx.formParam("public") != null,
                field.apply("organizations"));
    }

    /** The non-blank lines of a text area, stripped; more than the service allows are refused there. */
    private static List<String> lines(String text) {
        List<String> out = new ArrayList<>();
        for (String line : text.split("\r?\n", MAX_LINES + 1)) {
            if (!line.isBlank()) out.add(line.strip());
            if (out.size() > MAX_LINES) break;
        }
        if (out.size() > 100) throw new DomainException.Invalid("at most 100 lines");
        return out;
    }

    /** Blank: every organization; else one organization name or id a line (an unknown one is refused by name). */
    private Optional<List<UUID>> organizationIds(String text) {
        List<String> names = lines(text);
        if (names.isEmpty()) return Optional.empty();
        List<UUID> ids = new ArrayList<>();
        for (String name : names) {
            ids.add(organizations.find(name).orElseThrow(() -> new DomainException.Invalid("there is no organization \"" + name + "\"")).id());
        }
        return Optional.of(ids);
    }
}
