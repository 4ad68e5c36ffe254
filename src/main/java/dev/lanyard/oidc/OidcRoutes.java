package dev.lanyard.oidc;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.ErrorObject;
import com.nimbusds.oauth2.sdk.GrantType;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseMode;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.BearerTokenError;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.SubjectType;
import com.nimbusds.openid.connect.sdk.UserInfoErrorResponse;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoSuccessResponse;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.token.OIDCTokens;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.RateLimit;
import dev.lanyard.http.Access;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.organization.OrganizationService;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Lanyard as an OpenID provider. Every request is parsed and every answer written by the Nimbus
 * OAuth 2.0 / OpenID Connect SDK; this class only moves them between Javalin and the SDK.
 *
 * <pre>
 * GET  /.well-known/openid-configuration   Discovery 1.0 §4
 * GET  /oauth2/jwks                        the ID token signing keys (RFC 7517)
 * GET  /oauth2/authorize  (and POST)       OIDC Core §3.1.2, see {@link AuthorizationEndpoint}
 * GET  /oauth2/authorize/resume            back from the organization's IdP
 * POST /oauth2/token                       RFC 6749 §4.1.3 and §6; client_secret_basic, client_secret_post, none (+PKCE)
 * GET  /oauth2/userinfo   (and POST)       OIDC Core §5.3, bearer access token
 * POST /oauth2/revoke                      RFC 7009
 * </pre>
 */
public final class OidcRoutes {
    public static final String PREFIX = "/oauth2";
    public static final String RESUME = PREFIX + "/authorize/resume";
    public static final String DISCOVERY = "/.well-known/openid-configuration";
    private static final TemplateEngine VIEWS = TemplateEngine.createPrecompiled(ContentType.Html);
    /**
     * No form-action: browsers apply it to the redirects that follow a submission too, and the
     * organization picker's GET form leads through Lanyard to the organization's IdP and then to
     * the app's redirect URI, which no fixed list can name. The form itself targets this endpoint.
     */
    private static final String CSP = "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

    private final ClientService clients;
    private final OidcService oidc;
    private final SigningKeys keys;
    private final BaseUrl baseUrl;
    private final AuthorizationEndpoint authorization;

    /**
     * The token endpoint's limits (docs/oidc.md): per source address, before anything is read (a
     * flood of guesses costs nothing), and per client once it has authenticated (so nobody can
     * spend another app's share by naming its client_id). In memory, per server. The numbers can be
     * lowered by system properties, for the test that proves the limits on a machine too slow to
     * outrun them.
     */
    static final int PER_ADDRESS_PER_SECOND = 50;
    static final int PER_ADDRESS_BURST = 200;
    static final int PER_CLIENT_PER_SECOND = 20;
    static final int PER_CLIENT_BURST = 100;
    private final RateLimit perAddress = relaxed() ? new RateLimit(1e6, 1e6, "")
            : new RateLimit(Integer.getInteger("lanyard.oidc.tokenPerAddressPerSecond", PER_ADDRESS_PER_SECOND),
                    Integer.getInteger("lanyard.oidc.tokenPerAddressBurst", PER_ADDRESS_BURST), "token requests from this address");
    private final RateLimit perClient = relaxed() ? new RateLimit(1e6, 1e6, "")
            : new RateLimit(Integer.getInteger("lanyard.oidc.tokenPerClientPerSecond", PER_CLIENT_PER_SECOND),
                    Integer.getInteger("lanyard.oidc.tokenPerClientBurst", PER_CLIENT_BURST), "token requests from this client");

    /** The test suite's switch (as for SCIM and console sign-in limits): tests of the limits turn it off. */
    private static boolean relaxed() {
        return Boolean.getBoolean("lanyard.limits.relaxed");
    }

    public OidcRoutes(ClientService clients, OidcService oidc, SigningKeys keys, OrganizationService organizations, EmailDomains domains,
                      MemberSignIn signIn, byte[] continuationKey, BaseUrl baseUrl, Clock clock) {
        this.clients = clients;
        this.oidc = oidc;
        this.keys = keys;
        this.baseUrl = baseUrl;
        this.authorization = new AuthorizationEndpoint(clients, organizations, domains, oidc, signIn,
                new Continuation(continuationKey), baseUrl, clock);
    }

    /**
     * Every route is {@link Access#PUBLIC} as far as Lanyard's sessions go: the protocol decides who
     * may call each one. The authorization endpoint needs no credential (it sends an unknown browser
     * to sign in), the token and revocation endpoints authenticate the client themselves (RFC 6749
     * §2.3) and UserInfo the bearer token (RFC 6750), each answering in OAuth's own error format.
     */
    public void register(RoutesConfig routes) {
        routes.before(PREFIX + "/*", OidcRoutes::headers);
        routes.get(DISCOVERY, this::discovery, Access.PUBLIC);
        routes.get(PREFIX + "/jwks", ctx -> ctx.header("Cache-Control", "public, max-age=300")
                .contentType("application/json").result(keys.published().toString()), Access.PUBLIC);
        routes.get(PREFIX + "/authorize", authorization::get, Access.PUBLIC);
        routes.post(PREFIX + "/authorize", authorization::post, Access.PUBLIC);
        routes.get(RESUME, authorization::resume, Access.PUBLIC);
        routes.post(PREFIX + "/token", this::token, Access.PUBLIC);
        routes.get(PREFIX + "/userinfo", this::userInfo, Access.PUBLIC);
        routes.post(PREFIX + "/userinfo", this::userInfo, Access.PUBLIC);
        routes.post(PREFIX + "/revoke", this::revoke, Access.PUBLIC);
    }

    /** Whether a path is the provider's (its errors are OAuth JSON, or a page at the authorization endpoint). */
    public static boolean owns(String path) {
        return path.startsWith(PREFIX + "/") || path.equals(DISCOVERY);
    }

    /** Unexpected failures in the provider's own shape. */
    public static void error(Context ctx, int status, String detail) {
        if (ctx.path().startsWith(PREFIX + "/authorize")) {
            page(ctx, status, "Sign-in failed", detail);
            return;
        }
        var error = (status >= 500 ? OAuth2Error.SERVER_ERROR : OAuth2Error.INVALID_REQUEST).setDescription(detail).setHTTPStatusCode(status);
        write(ctx, new TokenErrorResponse(error).toHTTPResponse());
    }

    private void discovery(Context ctx) {
        String issuer = baseUrl.of(ctx);
        var m = new OIDCProviderMetadata(new Issuer(issuer), List.of(SubjectType.PUBLIC), URI.create(issuer + PREFIX + "/jwks"));
        m.setAuthorizationEndpointURI(URI.create(issuer + PREFIX + "/authorize"));
        m.setTokenEndpointURI(URI.create(issuer + PREFIX + "/token"));
        m.setUserInfoEndpointURI(URI.create(issuer + PREFIX + "/userinfo"));
        m.setRevocationEndpointURI(URI.create(issuer + PREFIX + "/revoke"));
        m.setScopes(Scope.parse("openid email profile offline_access"));
        m.setResponseTypes(List.of(ResponseType.CODE));
        m.setResponseModes(List.of(ResponseMode.QUERY));
        m.setGrantTypes(List.of(GrantType.AUTHORIZATION_CODE, GrantType.REFRESH_TOKEN));
        var methods = List.of(ClientAuthenticationMethod.CLIENT_SECRET_BASIC, ClientAuthenticationMethod.CLIENT_SECRET_POST,
                ClientAuthenticationMethod.NONE);
        m.setTokenEndpointAuthMethods(methods);
        m.setRevocationEndpointAuthMethods(methods);
        m.setIDTokenJWSAlgs(List.of(JWSAlgorithm.RS256));
        m.setCodeChallengeMethods(List.of(CodeChallengeMethod.S256));
        m.setClaims(List.of("sub", "iss", "aud", "exp", "iat", "auth_time", "nonce", "amr", "email", "email_verified", "preferred_username", "name",
                "given_name", "family_name", "org_id", "org_name"));
        m.setSupportsAuthorizationResponseIssuerParam(true);
        m.setSupportsRequestParam(false);
        m.setSupportsRequestURIParam(false);
        m.setSupportsClaimsParams(false);
        ctx.header("Cache-Control", "public, max-age=300").contentType("application/json").result(m.toJSONObject().toJSONString());
    }

    private void token(Context ctx) {
        String issuer = baseUrl.of(ctx);
        try {
            admit(ctx, perAddress, ctx.ip());
            TokenRequest request = TokenRequest.parse(http(ctx));
            OidcClient client = authenticate(request.getClientAuthentication(), request.getClientID());
            admit(ctx, perClient, client.id());
            AuthorizationGrant grant = request.getAuthorizationGrant();
            OidcService.Tokens tokens = switch (grant) {
                case AuthorizationCodeGrant code -> oidc.exchangeCode(client, code.getAuthorizationCode().getValue(),
                        code.getRedirectionURI() == null ? "" : code.getRedirectionURI().toString(),
                        Optional.ofNullable(code.getCodeVerifier()).map(v -> v.getValue()), issuer);
                case RefreshTokenGrant refresh -> oidc.refresh(client, refresh.getRefreshToken().getValue(), issuer);
                default -> throw new OAuthError(OAuth2Error.UNSUPPORTED_GRANT_TYPE, "grant_type must be authorization_code or refresh_token");
            };
            var accessToken = new BearerAccessToken(tokens.accessToken(), tokens.expiresIn().toSeconds(), Scope.parse(tokens.scope()));
            var oidcTokens = new OIDCTokens(tokens.idToken(), accessToken, tokens.refreshToken().map(RefreshToken::new).orElse(null));
            write(ctx, new OIDCTokenResponse(oidcTokens).toHTTPResponse());
        } catch (ParseException e) {
            write(ctx, new TokenErrorResponse(e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject()).toHTTPResponse());
        } catch (OAuthError e) {
            HTTPResponse response = new TokenErrorResponse(e.error()).toHTTPResponse();
            write(ctx, response);
            // RFC 6749 §5.2: a client that tried the Authorization header is told which scheme to use.
            if (e.error().getHTTPStatusCode() == 401 && ctx.header("Authorization") != null) {
                ctx.header("WWW-Authenticate", "Basic realm=\"lanyard\"");
            }
        }
    }

    /**
     * Over a limit: 429 (RFC 6585 §4) with Retry-After in whole seconds (RFC 9110 §10.2.3) and an
     * RFC 6749 §5.2 error body. The code is {@code invalid_request}: RFC 6749 registers no code for
     * "too many requests", and {@code slow_down} (RFC 8628 §3.5) tells a device-flow client to poll
     * more slowly, a grant Lanyard does not offer; authorization_code and refresh_token clients do
     * not know it. The status and Retry-After say what to do.
     */
    private static void admit(Context ctx, RateLimit limit, Object key) throws OAuthError {
        try {
            limit.take(key);
        } catch (DomainException.RateLimited e) {
            ctx.header("Retry-After", String.valueOf(e.retryAfterSeconds()));
            throw new OAuthError(new ErrorObject(OAuth2Error.INVALID_REQUEST_CODE, null, 429), e.getMessage());
        }
    }

    private void userInfo(Context ctx) {
        BearerAccessToken token;
        try {
            token = UserInfoRequest.parse(http(ctx)).getAccessToken() instanceof BearerAccessToken b ? b : null;
        } catch (ParseException e) {
            write(ctx, new UserInfoErrorResponse(BearerTokenError.MISSING_TOKEN).toHTTPResponse());
            return;
        }
        Optional<OidcService.Claims> claims = token == null ? Optional.empty() : oidc.userInfo(token.getValue());
        if (claims.isEmpty()) {
            write(ctx, new UserInfoErrorResponse(BearerTokenError.INVALID_TOKEN
                    .setDescription("the access token is unknown, expired or revoked, or its account may no longer sign in")).toHTTPResponse());
            return;
        }
        write(ctx, new UserInfoSuccessResponse(OidcService.userInfo(claims.get().account(), claims.get().org())).toHTTPResponse());
    }

    private void revoke(Context ctx) {
        try {
            TokenRevocationRequest request = TokenRevocationRequest.parse(http(ctx));
            OidcClient client = authenticate(request.getClientAuthentication(), request.getClientID());
            oidc.revoke(client, request.getToken().getValue());
            ctx.status(200).header("Cache-Control", "no-store");
        } catch (ParseException e) {
            write(ctx, new TokenErrorResponse(e.getErrorObject() == null ? OAuth2Error.INVALID_REQUEST : e.getErrorObject()).toHTTPResponse());
        } catch (OAuthError e) {
            write(ctx, new TokenErrorResponse(e.error()).toHTTPResponse());
        }
    }

    /**
     * RFC 6749 §2.3.1 and §3.2.1: a confidential client proves itself with a live secret (Basic or
     * in the body); a public client names itself with client_id and has no secret.
     */
    private OidcClient authenticate(ClientAuthentication auth, ClientID publicId) throws OAuthError {
        String clientId = auth != null ? auth.getClientID().getValue() : publicId == null ? null : publicId.getValue();
        Optional<OidcClient> client = clientId == null ? Optional.empty() : clients.findByClientId(clientId);
        if (client.isEmpty()) throw invalidClient("unknown client, or no client authentication");
        String secret = switch (auth) {
            case null -> null;
            case ClientSecretBasic basic -> basic.getClientSecret().getValue();
            case ClientSecretPost post -> post.getClientSecret().getValue();
            default -> throw invalidClient("only client_secret_basic, client_secret_post and none are supported");
        };
        if (client.get().publicClient()) {
            if (secret != null) throw invalidClient("a public client has no secret");
            return client.get();
        }
        if (secret == null || !clients.secretMatches(client.get(), secret)) throw invalidClient("client authentication failed");
        return client.get();
    }

    private static OAuthError invalidClient(String description) {
        return new OAuthError(OAuth2Error.INVALID_CLIENT, description);
    }

    /** The Javalin request as the SDK's HTTPRequest: method, URL, Content-Type, Authorization, body. */
    private HTTPRequest http(Context ctx) throws ParseException {
        HTTPRequest.Method method = HTTPRequest.Method.valueOf(ctx.method().name());
        String query = ctx.queryString();
        HTTPRequest request = new HTTPRequest(method, URI.create(baseUrl.of(ctx) + ctx.path() + (query == null ? "" : "?" + query)));
        if (ctx.contentType() != null) request.setContentType(ctx.contentType());
        if (ctx.header("Authorization") != null) request.setAuthorization(ctx.header("Authorization"));
        if (method == HTTPRequest.Method.POST) request.setBody(ctx.body());
        return request;
    }

    private static void write(Context ctx, HTTPResponse response) {
        ctx.status(response.getStatusCode());
        for (Map.Entry<String, List<String>> h : response.getHeaderMap().entrySet()) {
            for (String v : h.getValue()) ctx.header(h.getKey(), v);
        }
        if (response.getBody() != null) ctx.result(response.getBody());
    }

    private static void headers(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        ctx.header("Pragma", "no-cache");
        if (ctx.path().startsWith(PREFIX + "/authorize")) {
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Referrer-Policy", "no-referrer");
        }
    }

    static void page(Context ctx, int status, String title, String message) {
        render(ctx, status, "oidc/message.jte", new MessagePage(title, message));
    }

    static void render(Context ctx, int status, String template, Object page) {
        StringOutput out = new StringOutput();
        VIEWS.render(template, page, out);
        ctx.status(status).contentType("text/html; charset=utf-8").result(out.toString());
    }

    public record MessagePage(String title, String message) {}

    /** A parameter of the authorization request carried through the picker form. */
    public record Hidden(String name, String value) {}

    public record ChoosePage(String appName, Optional<String> problem, List<Hidden> hidden) {}
}
