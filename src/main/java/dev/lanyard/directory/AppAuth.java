package dev.lanyard.directory;

import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.RateLimit;
import dev.lanyard.oidc.ClientService;
import dev.lanyard.oidc.OidcClient;
import dev.lanyard.organization.OrganizationService;
import io.javalin.http.Context;
import io.javalin.http.UnauthorizedResponse;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;

/**
 * Who calls the Directory API: a registered app (docs/oidc.md) with its client credentials as
 * HTTP Basic (RFC 7617; client id and secret form-encoded first, RFC 6749 §2.3.1), the same
 * secrets its token endpoint takes, checked by {@link ClientService#authenticate} (SHA-256 looked
 * up in the database, never compared in Java). Then the app's rate, then the organization: one
 * the operator allows the app and whose admins have not turned it off. Anything else is 404 with
 * the same words whether the organization exists or not, so an app learns nothing of
 * organizations it may not see.
 */
final class AppAuth {
    /** Per app and server: a full sync of a million accounts is 1,000 pages, under a minute at this rate. */
    static final RateLimit RATE = new RateLimit(20, 40, "Directory API requests from this app");
    static final String CHALLENGE = "Basic realm=\"lanyard directory\", charset=\"UTF-8\"";
    private static final int MAX_HEADER = 1024;

    private final ClientService apps;
    private final OrganizationService organizations;
    private final RateLimit rate;

    AppAuth(ClientService apps, OrganizationService organizations, RateLimit rate) {
        this.apps = apps;
        this.organizations = organizations;
        this.rate = rate;
    }

    /** The app and the organization of a request to /api/v1/orgs/{org}/...; 401, 429 or 404 otherwise. */
    record Caller(OidcClient app, UUID orgId) {}

    Caller require(Context ctx) {
        OidcClient app = credentials(ctx.header("Authorization"))
                .flatMap(c -> apps.authenticate(c[0], c[1]))
                .orElseThrow(() -> new UnauthorizedResponse("this API takes an app's client credentials: HTTP Basic with the "
                        + "client_id and a live client_secret of an app registered with Lanyard (confidential clients only)"));
        rate.take(app.id());
        String org = ctx.pathParam("org");
        UUID orgId = OrganizationService.parseUuid(org)
                .filter(id -> apps.usableBy(app, id) && organizations.findById(id).isPresent())
                .orElseThrow(() -> new DomainException.NotFound("no organization " + clip(org) + " for this app (the operator "
                        + "decides which organizations an app may read, and an organization's admins can turn an app off)"));
        return new Caller(app, orgId);
    }

    /** {client id, secret} from a Basic header, or empty when it is missing or malformed. */
    static Optional<String[]> credentials(String header) {
        if (header == null || header.length() > MAX_HEADER || !header.regionMatches(true, 0, "Basic ", 0, 6)) return Optional.empty();
        try {
            String decoded = new String(Base64.getDecoder().decode(header.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon <= 0) return Optional.empty();
            return Optional.of(new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)});
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String clip(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
