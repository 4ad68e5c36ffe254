package dev.lanyard.oidc;

import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.openid.connect.sdk.AuthenticationErrorResponse;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.AuthenticationSuccessResponse;
import com.nimbusds.openid.connect.sdk.OIDCError;
import com.nimbusds.openid.connect.sdk.Prompt;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HttpStatus;
import io.javalin.http.SameSite;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The authorization endpoint (RFC 6749 §4.1.1, OIDC Core §3.1.2): authorization code flow only.
 *
 * <p>Until the client and its redirect URI are known to be registered, errors are a page here,
 * never a redirect (§3.1.2.6, RFC 6749 §4.1.2.1): no open redirect. After that they go back to the
 * app with {@code error}, {@code state} and {@code iss} (RFC 9207).
 *
 * <p>Which organization: {@code organization=} (its name or id), else the domain of an email in
 * {@code login_hint} (see {@link EmailDomains}), else a page asks the person for either.
 */
final class AuthorizationEndpoint {
    static final int MAX_STATE = 1024;
    static final int MAX_NONCE = 512;
    /** A sign-in newer than the continuation by this much is accepted despite clocks of different servers. */
    private static final Duration SKEW = Duration.ofSeconds(30);

    private final ClientService clients;
    private final OrganizationService organizations;
    private final EmailDomains domains;
    private final OidcService oidc;
    private final MemberSignIn signIn;
    private final Continuation continuations;
    private final BaseUrl baseUrl;
    private final Clock clock;

    AuthorizationEndpoint(ClientService clients, OrganizationService organizations, EmailDomains domains, OidcService oidc,
                          MemberSignIn signIn, Continuation continuations, BaseUrl baseUrl, Clock clock) {
        this.clients = clients;
        this.organizations = organizations;
        this.domains = domains;
        this.oidc = oidc;
        this.signIn = signIn;
        this.continuations = continuations;
        this.baseUrl = baseUrl;
        this.clock = clock;
    }

    void get(Context ctx) {
        handle(ctx, ctx.queryParamMap(), Optional.empty());
    }

    void post(Context ctx) {
        handle(ctx, ctx.formParamMap(), Optional.empty());
    }

    /** Back from the IdP: the request in the cookie runs again, and needs a sign-in newer than itself. */
    void resume(Context ctx) {
        Optional<Continuation.Pending> pending = continuations.read(ctx.cookie(Continuation.COOKIE), clock.instant());
        ctx.cookie(cookie(ctx, "", 0));
        if (pending.isEmpty()) {
            OidcRoutes.page(ctx, 400, "Sign-in expired", "This sign-in took longer than " + Continuation.LIFETIME.toMinutes()
                    + " minutes or was started in another browser. Go back to the app and sign in again.");
            return;
        }
        handle(ctx, pending.get().params(), Optional.of(pending.get().issued()));
    }

    private void handle(Context ctx, Map<String, List<String>> params, Optional<Instant> signedInAfter) {
        AuthenticationRequest request;
        try {
            request = AuthenticationRequest.parse(params);
        } catch (ParseException e) {
            Optional<OidcClient> client = e.getClientID() == null ? Optional.empty() : clients.findByClientId(e.getClientID().getValue());
            if (client.isPresent() && e.getRedirectionURI() != null && client.get().redirectUris().contains(e.getRedirectionURI().toString())) {
                redirectError(ctx, e.getRedirectionURI(), e.getErrorObject(), e.getState(), e.getErrorObject().getDescription());
            } else {
                OidcRoutes.page(ctx, 400, "Invalid sign-in request", "The app sent a sign-in request Lanyard cannot accept: "
                        + description(e.getErrorObject()) + ". Tell the app's developers.");
            }
            return;
        }
        Optional<OidcClient> found = clients.findByClientId(request.getClientID().getValue());
        if (found.isEmpty()) {
            OidcRoutes.page(ctx, 400, "Unknown app", "No app with client_id \"" + clip(request.getClientID().getValue())
                    + "\" is registered with Lanyard. Tell the app's developers.");
            return;
        }
        OidcClient client = found.get();
        URI redirectUri = request.getRedirectionURI();
        if (!client.redirectUris().contains(redirectUri.toString())) {
            OidcRoutes.page(ctx, 400, "Unregistered redirect URI", "The app " + client.name() + " asked to send you back to an address "
                    + "that is not one of its registered redirect URIs, so Lanyard will not send you there.");
            return;
        }
        State state = request.getState();
        try {
            check(client, request);
            Optional<Organization> org = organization(ctx, client, request, params);
            if (org.isEmpty()) return; // the picker page is shown
            if (!clients.usableBy(client, org.get().id())) {
                throw new OAuthError(OAuth2Error.ACCESS_DENIED, "the app is not available to members of " + org.get().name());
            }
            Prompt prompt = request.getPrompt();
            Optional<MemberSignIn.SignedIn> member = signIn.current(ctx, org.get().id());
            Instant now = clock.instant();
            boolean fresh = signedInAfter.isEmpty() || member.map(m -> !m.authTime().isBefore(signedInAfter.get().minus(SKEW))).orElse(false);
            boolean tooOld = request.getMaxAge() >= 0 && member.isPresent()
                    && member.get().authTime().plusSeconds(request.getMaxAge()).isBefore(now);
            boolean forced = prompt != null && prompt.contains(Prompt.Type.LOGIN) && signedInAfter.isEmpty();
            if (member.isEmpty() || forced || tooOld || !fresh) {
                if (prompt != null && prompt.contains(Prompt.Type.NONE)) {
                    throw new OAuthError(OIDCError.LOGIN_REQUIRED, "the member is not signed in to " + org.get().name());
                }
                if (signedInAfter.isPresent()) {
                    OidcRoutes.page(ctx, 403, "Sign-in did not complete", "Your organization's identity provider did not sign you in to "
                            + org.get().name() + ". Go back to the app and try again.");
                    return;
                }
                Map<String, List<String>> carried = new LinkedHashMap<>(params);
                carried.put("organization", List.of(org.get().id().toString()));
                Optional<String> cookie = continuations.issue(carried, now);
                if (cookie.isEmpty()) throw new OAuthError(OAuth2Error.INVALID_REQUEST, "the authorization request is too long");
                ctx.cookie(cookie(ctx, cookie.get(), (int) Continuation.LIFETIME.toSeconds()));
                // prompt=login and a max_age exceeded need the person authenticated again, not the
                // IdP's own session reused: ForceAuthn (SAML core §3.4.1; OIDC Core §3.1.2.1).
                ctx.redirect(signIn.signInUrl(org.get().id(), forced || tooOld), HttpStatus.FOUND);
                return;
            }
            String code = oidc.issueCode(client, org.get().id(), member.get().accountId(), member.get().authTime(),
                    request.getScope().toString(), redirectUri.toString(),
                    Optional.ofNullable(request.getCodeChallenge()).map(c -> c.getValue()),
                    Optional.ofNullable(request.getNonce()).map(n -> n.getValue()));
            URI back = new AuthenticationSuccessResponse(redirectUri, new AuthorizationCode(code), null, null, state, null,
                    new Issuer(baseUrl.of(ctx)), ResponseMode.QUERY).toURI();
            ctx.redirect(back.toString(), HttpStatus.FOUND);
        } catch (OAuthError e) {
            redirectError(ctx, redirectUri, e.error(), state, e.getMessage());
        }
    }

    /** The request's own rules, once client and redirect URI are trusted. */
    private static void check(OidcClient client, AuthenticationRequest request) throws OAuthError {
        if (!request.getResponseType().equals(ResponseType.CODE)) {
            throw new OAuthError(OAuth2Error.UNSUPPORTED_RESPONSE_TYPE, "only response_type=code is supported");
        }
        if (request.getResponseMode() != null && !request.getResponseMode().equals(ResponseMode.QUERY)) {
            throw new OAuthError(OAuth2Error.INVALID_REQUEST, "only response_mode=query is supported");
        }
        if (request.getRequestObject() != null) throw new OAuthError(OAuth2Error.REQUEST_NOT_SUPPORTED, "the request parameter is not supported");
        if (request.getRequestURI() != null) throw new OAuthError(OAuth2Error.REQUEST_URI_NOT_SUPPORTED, "the request_uri parameter is not supported");
        if (request.getState() != null && request.getState().getValue().length() > MAX_STATE) {
            throw new OAuthError(OAuth2Error.INVALID_REQUEST, "state is longer than " + MAX_STATE + " characters");
        }
        if (request.getNonce() != null && request.getNonce().getValue().length() > MAX_NONCE) {
            throw new OAuthError(OAuth2Error.INVALID_REQUEST, "nonce is longer than " + MAX_NONCE + " characters");
        }
        if (request.getCodeChallenge() != null) {
            if (!CodeChallengeMethod.S256.equals(request.getCodeChallengeMethod())) {
                throw new OAuthError(OAuth2Error.INVALID_REQUEST, "code_challenge_method must be S256 (plain is not accepted)");
            }
            if (!request.getCodeChallenge().getValue().matches("[A-Za-z0-9_-]{43}")) {
                throw new OAuthError(OAuth2Error.INVALID_REQUEST, "code_challenge must be a base64url SHA-256 (43 characters)");
            }
        } else if (client.publicClient()) {
            throw new OAuthError(OAuth2Error.INVALID_REQUEST, "a public client must use PKCE: code_challenge with code_challenge_method=S256");
        }
    }

    /** The organization the request names, or empty after showing the page that asks for it. */
    private Optional<Organization> organization(Context ctx, OidcClient client, AuthenticationRequest request,
                                                Map<String, List<String>> params) throws OAuthError {
        String named = first(request.getCustomParameter("organization"));
        String hint = request.getLoginHint();
        Optional<Organization> org = Optional.empty();
        String problem = null;
        if (named != null && !named.isBlank()) {
            String text = named.strip();
            if (text.length() > 320) {
                problem = "That is too long for an organization name.";
            } else if (text.contains("@")) {
                org = domains.organizationOf(text).flatMap(organizations::findById);
                if (org.isEmpty()) problem = "No organization uses the email domain of " + text + ".";
            } else {
                org = organizations.find(text);
                if (org.isEmpty()) problem = "There is no organization \"" + text + "\".";
            }
        } else if (hint != null && hint.contains("@")) {
            org = domains.organizationOf(hint).flatMap(organizations::findById);
        }
        if (org.isEmpty()) {
            choose(ctx, client, params, problem);
            return Optional.empty();
        }
        return org;
    }

    /** The organization picker: a GET form back to this endpoint with the request's parameters and the person's answer. */
    private void choose(Context ctx, OidcClient client, Map<String, List<String>> params, String problem) {
        List<OidcRoutes.Hidden> hidden = new ArrayList<>();
        params.forEach((name, values) -> {
            if (!name.equals("organization")) values.forEach(v -> hidden.add(new OidcRoutes.Hidden(name, v)));
        });
        OidcRoutes.render(ctx, problem == null ? 200 : 404, "oidc/choose.jte",
                new OidcRoutes.ChoosePage(client.name(), Optional.ofNullable(problem), hidden));
    }

    private void redirectError(Context ctx, URI redirectUri, ErrorObject error, State state, String description) {
        ErrorObject e = error.setDescription(description == null ? null : OAuthError.ascii(description));
        URI back = new AuthenticationErrorResponse(redirectUri, e, state, new Issuer(baseUrl.of(ctx)), ResponseMode.QUERY).toURI();
        ctx.redirect(back.toString(), HttpStatus.FOUND);
    }

    /** Path /oauth2 only, HttpOnly, SameSite=Lax: it must come back on the top-level GET that ends the IdP's sign-in. */
    private Cookie cookie(Context ctx, String value, int maxAge) {
        return new Cookie(Continuation.COOKIE, value, OidcRoutes.PREFIX, maxAge, baseUrl.of(ctx).startsWith("https:"), true, null, SameSite.LAX);
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.getFirst();
    }

    private static String description(ErrorObject e) {
        return e == null || e.getDescription() == null ? "malformed request" : e.getDescription();
    }

    private static String clip(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "…" : s;
    }
}
