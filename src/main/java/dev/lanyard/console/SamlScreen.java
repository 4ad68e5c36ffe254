package dev.lanyard.console;

import dev.lanyard.account.AccountService;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.domain.DomainException;
import dev.lanyard.http.Access;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.sso.Refusal;
import dev.lanyard.sso.SamlSettingsService;
import dev.lanyard.sso.SignInLogEntry;
import dev.lanyard.sso.SpValues;
import dev.lanyard.sso.SsoService;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Organization > SAML single sign-on, and the sign-in log.
 *
 * <pre>
 * GET  /console/saml                       SP values (Copy), IdP values, certificates, switch, Test sign-in
 * POST /console/saml/idp                   saves the IdP entity ID and SSO URL
 * POST /console/saml/metadata              imports IdP metadata: pasted or uploaded XML (multipart)
 * POST /console/saml/metadata-url          fetches IdP metadata from a URL, now, once
 * POST /console/saml/certificates          adds a signing certificate (PEM)
 * POST /console/saml/certificates/{id}/remove
 * POST /console/saml/options               SHA-1, the attribute to match, the switch
 * POST /console/saml/test                  "Test sign-in": 303 to the IdP; the ACS comes back to /console/saml/test/{log id}
 * GET  /console/saml/test/{id}             what the test sign-in brought back
 * GET  /console/saml/log                   every sign-in attempt, filtered by outcome, period, email or reason;
 *                                          keyset pages (before= older, after= Previous), "51–100 of 313"
 * GET  /console/setup/okta-saml, /console/setup/entra-saml   setup guides with the SP values
 * </pre>
 *
 * Every action acts on the session's organization and is refused without the session's CSRF token.
 */
final class SamlScreen {
    static final String PATH = ConsoleRoutes.PREFIX + "/saml";
    private static final int PAGE_SIZE = 50;

    private final SamlSettingsService saml;
    private final SsoService sso;
    private final AccountService accounts;
    private final BaseUrl baseUrl;

    SamlScreen(SamlSettingsService saml, SsoService sso, AccountService accounts, BaseUrl baseUrl) {
        this.saml = saml;
        this.sso = sso;
        this.accounts = accounts;
        this.baseUrl = baseUrl;
    }

    void register(ConsoleRouter routes) {
        Access org = Access.CONSOLE_ORGANIZATION;
        routes.get(PATH, org, (ctx, s) -> show(ctx, s, Optional.empty()));
        routes.post(PATH + "/idp", org, (ctx, session) -> act(ctx, session, s -> saml.change(s.orgId(), new SamlSettingsService.Change(Optional.empty(),
                Optional.of(form(ctx, "idpEntityId")), Optional.of(form(ctx, "ssoUrl")), Optional.empty(), Optional.empty(), Optional.empty()),
                s.actor())));
        routes.post(PATH + "/metadata", org, (ctx, session) -> act(ctx, session, s -> saml.importMetadata(s.orgId(), metadata(ctx), s.actor())));
        routes.post(PATH + "/metadata-url", org, (ctx, session) -> act(ctx, session, s -> saml.importMetadataFrom(s.orgId(), form(ctx, "url"), s.actor())));
        routes.post(PATH + "/certificates", org, (ctx, session) -> act(ctx, session, s -> saml.addCertificate(s.orgId(), form(ctx, "pem"), s.actor())));
        routes.post(PATH + "/certificates/{id}/remove", org, (ctx, session) -> act(ctx, session, s -> saml.removeCertificate(s.orgId(),
                parseUuid(ctx.pathParam("id")), s.actor())));
        routes.post(PATH + "/options", org, (ctx, session) -> act(ctx, session, s -> saml.change(s.orgId(), new SamlSettingsService.Change(
                Optional.of(ctx.formParam("enabled") != null), Optional.empty(), Optional.empty(),
                Optional.of(ctx.formParam("allowSha1") != null), Optional.of(form(ctx, "matchAttribute")),
                Optional.of(ctx.formParam("consoleAdminsBySaml") != null)), s.actor())));
        routes.post(PATH + "/test", org, this::test);
        routes.get(PATH + "/test/{id}", org, this::testResult);
        routes.get(PATH + "/log", org, this::log);
        routes.get(ConsoleRoutes.PREFIX + "/setup/okta-saml", org, (ctx, s) -> guide(ctx, s, "console/setup_okta_saml.jte"));
        routes.get(ConsoleRoutes.PREFIX + "/setup/entra-saml", org, (ctx, s) -> guide(ctx, s, "console/setup_entra_saml.jte"));
    }

    private void show(Context ctx, ConsoleSession s, Optional<String> error) {
        Optional<String> notice = "saved".equals(ctx.queryParam("done")) ? Optional.of("Settings saved.") : Optional.empty();
        Views.render(ctx, error.isPresent() ? 400 : 200, "console/saml.jte",
                new SamlPage(s, saml.get(s.orgId()), sp(ctx, s), notice, error));
    }

    /** A SAML setup guide with this organization's SP values filled in. */
    private void guide(Context ctx, ConsoleSession s, String template) {
        Views.render(ctx, 200, template, new SamlPage(s, saml.get(s.orgId()), sp(ctx, s), Optional.empty(), Optional.empty()));
    }

    /** Runs a change (the router checked the session and its CSRF token); a refusal re-renders the page with the reason (400), nothing changed. */
    private void act(Context ctx, ConsoleSession s, java.util.function.Consumer<ConsoleSession> change) {
        try {
            change.accept(s);
        } catch (DomainException e) {
            show(ctx, s, Optional.of(e.getMessage()));
            return;
        }
        ctx.redirect(PATH + "?done=saved", HttpStatus.SEE_OTHER);
    }

    private void test(Context ctx, ConsoleSession s) {
        try {
            ctx.redirect(sso.startTest(s.orgId(), sp(ctx, s)), HttpStatus.SEE_OTHER);
        } catch (Refusal r) {
            show(ctx, s, Optional.of(r.detail()));
        }
    }

    private void testResult(Context ctx, ConsoleSession s) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new NotFoundResponse();
        }
        SignInLogEntry entry = sso.logEntry(s.orgId(), id).filter(e -> e.flow().equals("test")).orElseThrow(NotFoundResponse::new);
        Optional<String> account = entry.accountId().flatMap(a -> accounts.find(s.orgId(), a)).map(a -> a.email() + " (" + a.status().dbValue() + ")");
        Views.render(ctx, 200, "console/saml_test.jte", new SamlPage.Test(s, entry, Times.text(entry.at()), account));
    }

    private void log(Context ctx, ConsoleSession s) {
        String outcome = choice(ctx.queryParam("outcome"), SamlPage.Log.OUTCOMES);
        String period = choice(ctx.queryParam("period"), SamlPage.Log.PERIODS);
        String q = Optional.ofNullable(ctx.queryParam("q")).map(String::strip).orElse("");
        if (q.length() > 200) q = q.substring(0, 200);
        Optional<Boolean> success = switch (outcome) {
            case "success" -> Optional.of(true);
            case "failure" -> Optional.of(false);
            default -> Optional.empty();
        };
        Optional<Instant> since = switch (period) {
            case "24h" -> Optional.of(Instant.now().minus(Duration.ofHours(24)));
            case "7d" -> Optional.of(Instant.now().minus(Duration.ofDays(7)));
            case "30d" -> Optional.of(Instant.now().minus(Duration.ofDays(30)));
            default -> Optional.empty();
        };
        Optional<Long> before = ProvisioningLogScreen.id(ctx.queryParam("before"));
        Optional<Long> after = before.isPresent() ? Optional.empty() : ProvisioningLogScreen.id(ctx.queryParam("after"));
        // One more than a page: whether an "Older" (or, going back, a "Previous") link leads anywhere.
        SsoService.LogPage page = sso.logPage(s.orgId(), success, Optional.of(q), since, before, after, PAGE_SIZE + 1);
        Paging.Log<SignInLogEntry> pages = Paging.Log.of(page.entries(), PAGE_SIZE, before.isPresent(), after.isPresent(),
                ctx.queryParam("start"), PATH + "/log?outcome=" + enc(outcome) + "&period=" + enc(period) + "&q=" + enc(q),
                SignInLogEntry::id);
        List<SamlPage.Entry> entries = pages.shown().stream().map(e -> new SamlPage.Entry(String.valueOf(e.id()),
                Times.text(e.at()), e.flow(), e.success(), e.reason(), e.detail(), e.hint(), e.nameId())).toList();
        Views.render(ctx, 200, "console/saml_log.jte", new SamlPage.Log(s, entries, outcome, period, q, pages.older(), pages.previous(), pages.newest(),
                Paging.count(page.matching(), SsoService.LOG_COUNT_CAP, "attempt", "attempts")
                        + (q.isEmpty() && outcome.equals("all") && period.equals("all") ? ""
                                : page.matching() == 1 ? " matches these filters" : " match these filters") + ", newest first.",
                pages.range(page.matching(), SsoService.LOG_COUNT_CAP)));
    }

    private SpValues sp(Context ctx, ConsoleSession s) {
        return SpValues.of(baseUrl.of(ctx), s.orgId());
    }

    /** The pasted XML, else the uploaded file (at most the size SAML metadata may have). */
    private static byte[] metadata(Context ctx) {
        String pasted = Optional.ofNullable(ctx.formParam("xml")).orElse("").strip();
        if (!pasted.isEmpty()) return pasted.getBytes(StandardCharsets.UTF_8);
        UploadedFile file = ctx.uploadedFile("file");
        if (file == null || file.size() == 0) throw new DomainException.Invalid("paste the IdP's metadata XML or choose its file");
        try (InputStream in = file.content()) {
            return in.readNBytes(512 * 1024);
        } catch (IOException e) {
            throw new DomainException.Invalid("the uploaded file could not be read");
        }
    }

    private static String form(Context ctx, String name) {
        return Optional.ofNullable(ctx.formParam(name)).orElse("");
    }

    private static UUID parseUuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new DomainException.NotFound("no IdP certificate \"" + id + "\"");
        }
    }

    private static String choice(String value, List<List<String>> choices) {
        return choices.stream().map(List::getFirst).filter(c -> c.equals(value)).findFirst().orElse(choices.getFirst().getFirst());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
