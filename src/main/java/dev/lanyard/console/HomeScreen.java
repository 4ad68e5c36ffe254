package dev.lanyard.console;

import dev.lanyard.account.AccountService;
import dev.lanyard.account.AccountStatus;
import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.http.Access;
import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.sso.SamlSettings;
import dev.lanyard.sso.SamlSettingsService;
import dev.lanyard.token.TokenService;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * GET /console: the landing page after sign-in, with the organization's state at a glance:
 * provisioning on or off, live tokens, the last SCIM request and the failures of the last 24
 * hours, SAML sign-in, and the accounts by status (each a link to that list). Every number is a
 * bounded read: the hourly activity rows, the token list, four capped counts.
 */
final class HomeScreen {
    /** Query flag after the first sign-in's own password: the page says it worked. */
    static final String PASSWORD_SET = "password=set";

    private final OrganizationService organizations;
    private final TokenService tokens;
    private final ProvisioningLog log;
    private final SamlSettingsService saml;
    private final AccountService accounts;

    HomeScreen(OrganizationService organizations, TokenService tokens, ProvisioningLog log, SamlSettingsService saml,
               AccountService accounts) {
        this.organizations = organizations;
        this.tokens = tokens;
        this.log = log;
        this.saml = saml;
        this.accounts = accounts;
    }

    void register(ConsoleRouter routes) {
        routes.get(ConsoleRoutes.PREFIX, Access.CONSOLE_ORGANIZATION, this::show);
    }

    private void show(Context ctx, ConsoleSession s) {
        boolean provisioning = organizations.findById(s.orgId()).map(o -> o.provisioningEnabled()).orElse(false);
        int liveTokens = tokens.listActive(s.orgId()).size();
        Instant now = Instant.now();
        ActivityChart day = ActivityChart.of(ActivityChart.Range.DAY, log.activity(s.orgId(), ActivityChart.Range.DAY.start(now)), now);
        SamlSettings sso = saml.get(s.orgId());
        String samlState = sso.enabled() ? "on" : sso.complete() ? "set up, not turned on" : "not set up";
        List<HomePage.Count> counts = new ArrayList<>();
        for (AccountStatus status : AccountStatus.values()) {
            long n = accounts.countUpToCap(s.orgId(), status);
            counts.add(new HomePage.Count(AccountsScreen.label(status), n > AccountService.COUNT_CAP
                    ? "more than " + Paging.number(AccountService.COUNT_CAP) : Paging.number(n),
                    AccountsScreen.PATH + "?status=" + status.dbValue()));
        }
        Optional<String> notice = ctx.queryString() != null && ctx.queryString().contains(PASSWORD_SET)
                ? Optional.of("Your password is set. From now on, sign in with it.") : Optional.empty();
        Views.render(ctx, 200, "console/home.jte", new HomePage(s, notice, provisioning, liveTokens, day.summary(),
                day.failures(), samlState, counts));
    }
}
