package dev.lanyard.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenErrorResponse;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.openid.connect.sdk.AuthenticationRequest;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponse;
import com.nimbusds.openid.connect.sdk.OIDCTokenResponseParser;
import com.nimbusds.openid.connect.sdk.Prompt;
import com.nimbusds.openid.connect.sdk.UserInfoRequest;
import com.nimbusds.openid.connect.sdk.UserInfoResponse;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.op.OIDCProviderMetadata;
import com.nimbusds.openid.connect.sdk.validators.IDTokenValidator;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.SamlIdp;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lanyard as an OpenID provider, driven by the Nimbus SDK as a relying party would be, over real
 * HTTP: the authorization code flow through the organization's SAML sign-in, and every refusal.
 */
class OidcFlowIT {
    static final TestApp app = TestApp.start();
    static final URI REDIRECT = URI.create(OidcFixture.REDIRECT);

    @AfterAll
    static void stop() {
        app.close();
    }

    /** A relying party registered with Lanyard. */
    record Rp(ClientID clientId, Secret secret) {
        static Rp of(JsonNode registered) {
            return new Rp(new ClientID(registered.get("clientId").asText()),
                    registered.has("clientSecret") ? new Secret(registered.get("clientSecret").asText()) : null);
        }

        ClientAuthentication basic() {
            return new ClientSecretBasic(clientId, secret);
        }
    }

    URI endpoint(String path) {
        return URI.create(app.baseUrl() + path);
    }

    AuthenticationRequest.Builder request(Rp rp, String org) {
        var b = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid", "email", "profile"), rp.clientId(), REDIRECT)
                .endpointURI(endpoint("/oauth2/authorize")).state(new State("st-1")).nonce(new Nonce("n-1"));
        if (org != null) b.customParameter("organization", org);
        return b;
    }

    /** The authorization endpoint with a signed-in member: the code from the redirect back to the app. */
    String code(AuthenticationRequest request, String cookie) {
        Http.Response r = app.http().send("GET", request.toURI().toString().substring(app.baseUrl().length()), (String) null,
                Map.of("Cookie", cookie));
        assertThat(r.status()).as(r.toString()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith(OidcFixture.REDIRECT + "?");
        Map<String, String> q = OidcFixture.query(r.header("Location"));
        assertThat(q).as(r.header("Location")).containsKey("code").containsEntry("state", "st-1").containsEntry("iss", app.baseUrl());
        return q.get("code");
    }

    Map<String, String> redirectError(AuthenticationRequest request, String cookie) {
        Http.Response r = app.http().send("GET", request.toURI().toString().substring(app.baseUrl().length()), (String) null,
                cookie == null ? Map.of() : Map.of("Cookie", cookie));
        assertThat(r.status()).as(r.toString()).isEqualTo(302);
        assertThat(r.header("Location")).startsWith(OidcFixture.REDIRECT + "?");
        return OidcFixture.query(r.header("Location"));
    }

    TokenResponse token(ClientAuthentication auth, AuthorizationGrant grant) {
        HTTPResponse r = OidcFixture.send(new TokenRequest(endpoint("/oauth2/token"), auth, grant).toHTTPRequest());
        try {
            return OIDCTokenResponseParser.parse(r);
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new AssertionError(r.getStatusCode() + " " + r.getBody(), e);
        }
    }

    static String error(TokenResponse r) {
        assertThat(r.indicatesSuccess()).as("expected a refusal").isFalse();
        return ((TokenErrorResponse) r).getErrorObject().getCode();
    }

    static OIDCTokenResponse ok(TokenResponse r) {
        assertThat(r.indicatesSuccess()).as(r instanceof TokenErrorResponse e ? e.getErrorObject().toJSONObject().toString() : "").isTrue();
        return (OIDCTokenResponse) r.toSuccessResponse();
    }

    int userInfoStatus(BearerAccessToken token) {
        return OidcFixture.send(new UserInfoRequest(endpoint("/oauth2/userinfo"), token).toHTTPRequest()).getStatusCode();
    }

    @Test
    void discovery_and_jwks_describe_the_provider_and_an_id_token_verifies_against_them() throws Exception {
        var f = new OidcFixture(app, "disco-" + UUID.randomUUID());
        f.provision("ann@disco.example", "Ann Lee");
        Rp rp = Rp.of(f.confidentialApp());
        HTTPResponse disco = OidcFixture.send(new com.nimbusds.oauth2.sdk.http.HTTPRequest(com.nimbusds.oauth2.sdk.http.HTTPRequest.Method.GET,
                endpoint("/.well-known/openid-configuration")));
        OIDCProviderMetadata meta = OIDCProviderMetadata.parse(disco.getBodyAsJSONObject());
        assertThat(meta.getIssuer().getValue()).isEqualTo(app.baseUrl());
        assertThat(meta.getAuthorizationEndpointURI()).isEqualTo(endpoint("/oauth2/authorize"));
        assertThat(meta.getCodeChallengeMethods()).containsExactly(CodeChallengeMethod.S256);
        assertThat(meta.getIDTokenJWSAlgs()).contains(JWSAlgorithm.RS256);

        String code = code(request(rp, f.org.name()).build(), f.memberCookie("ann@disco.example"));
        OIDCTokenResponse tokens = ok(token(rp.basic(), new AuthorizationCodeGrant(new AuthorizationCode(code), REDIRECT)));
        JWT idToken = tokens.getOIDCTokens().getIDToken();
        var validator = new IDTokenValidator(meta.getIssuer(), rp.clientId(), JWSAlgorithm.RS256, meta.getJWKSetURI().toURL());
        IDTokenClaimsSet claims = validator.validate(idToken, new Nonce("n-1"));
        String accountId = f.accountId("ann@disco.example");
        assertThat(claims.getSubject().getValue()).isEqualTo(accountId).doesNotContain("@");
        assertThat(claims.getStringClaim("email")).isEqualTo("ann@disco.example");
        assertThat(claims.getBooleanClaim("email_verified")).isTrue();
        assertThat(claims.getStringClaim("name")).isEqualTo("Ann Lee");
        assertThat(claims.getStringClaim("org_id")).isEqualTo(f.org.id());
        assertThat(claims.getStringClaim("org_name")).isEqualTo(f.org.name());
        assertThat(claims.getAMR()).extracting(a -> a.getValue()).containsExactly("saml");
        assertThat(claims.getAuthenticationTime()).isNotNull();

        UserInfoResponse info = UserInfoResponse.parse(OidcFixture.send(
                new UserInfoRequest(endpoint("/oauth2/userinfo"), tokens.getOIDCTokens().getBearerAccessToken()).toHTTPRequest()));
        assertThat(info.indicatesSuccess()).isTrue();
        assertThat(info.toSuccessResponse().getUserInfo().getSubject().getValue()).isEqualTo(accountId);
        assertThat(info.toSuccessResponse().getUserInfo().getEmailAddress()).isEqualTo("ann@disco.example");
    }

    @Test
    void a_member_without_a_session_signs_in_at_the_organizations_idp_and_comes_back_with_a_code() {
        var f = new OidcFixture(app, "sp-" + UUID.randomUUID());
        f.provision("bob@sp.example", "Bob");
        Rp rp = Rp.of(f.confidentialApp());
        var request = request(rp, f.org.id()).build();

        Http.Response start = app.http().send("GET", request.toURI().toString().substring(app.baseUrl().length()), (String) null, Map.of());
        assertThat(start.status()).as(start.toString()).isEqualTo(302);
        assertThat(start.header("Location")).isEqualTo("/sso/" + f.org.id() + "/login?for=app");
        String pending = OidcFixture.cookie(start, Continuation.COOKIE);

        Http.Response login = f.get(start.header("Location"), null);
        assertThat(login.status()).isEqualTo(302);
        Map<String, String> saml = OidcFixture.query(login.header("Location"));
        String requestId = SamlIdp.requestId(saml.get("SAMLRequest"));
        assertThat(SamlIdp.requestXml(saml.get("SAMLRequest"))).doesNotContain("ForceAuthn=\"true\"");
        String form = "SAMLResponse=" + URLEncoder.encode(f.signedResponse("bob@sp.example", requestId), StandardCharsets.UTF_8)
                + "&RelayState=" + URLEncoder.encode(saml.get("RelayState"), StandardCharsets.UTF_8);
        Http.Response acs = app.http().send("POST", "/sso/" + f.org.id() + "/acs", form, Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(acs.status()).as(acs.toString()).isEqualTo(303);
        assertThat(acs.header("Location")).isEqualTo(OidcRoutes.RESUME);
        String member = OidcFixture.cookie(acs, "lanyard_member");

        Http.Response back = f.get(OidcRoutes.RESUME, member + "; " + pending);
        assertThat(back.status()).as(back.toString()).isEqualTo(302);
        Map<String, String> q = OidcFixture.query(back.header("Location"));
        assertThat(back.header("Location")).startsWith(OidcFixture.REDIRECT);
        assertThat(q).containsKey("code").containsEntry("state", "st-1");
        ok(token(rp.basic(), new AuthorizationCodeGrant(new AuthorizationCode(q.get("code")), REDIRECT)));

        // The continuation is used up: the same resume without it is a page, not a second code.
        Http.Response again = f.get(OidcRoutes.RESUME, member);
        assertThat(again.status()).isEqualTo(400);
        assertThat(again.header("Location")).isNull();

        // prompt=login with a live session still goes to the IdP.
        Http.Response forced = app.http().send("GET", request(rp, f.org.id()).prompt(new Prompt(Prompt.Type.LOGIN)).build().toURI().toString()
                .substring(app.baseUrl().length()), (String) null, Map.of("Cookie", member));
        assertThat(forced.status()).isEqualTo(302);
        assertThat(forced.header("Location")).isEqualTo("/sso/" + f.org.id() + "/login?for=app&force=true");
        // ... and asks the IdP to authenticate the person again, not to reuse its session (SAML ForceAuthn).
        Http.Response forcedLogin = f.get(forced.header("Location"), null);
        assertThat(SamlIdp.requestXml(OidcFixture.query(forcedLogin.header("Location")).get("SAMLRequest")))
                .contains("ForceAuthn=\"true\"");
        // prompt=none without a session: login_required to the app.
        assertThat(redirectError(request(rp, f.org.id()).prompt(new Prompt(Prompt.Type.NONE)).build(), null))
                .containsEntry("error", "login_required").containsEntry("state", "st-1");
    }

    /** OIDC Core §3.1.2.1: a sign-in older than max_age seconds is authenticated again (ForceAuthn); a newer one is not. */
    @Test
    void max_age_sends_a_sign_in_older_than_it_back_to_the_idp_with_ForceAuthn() throws Exception {
        var f = new OidcFixture(app, "maxage-" + UUID.randomUUID());
        f.provision("mo@maxage.example", "Mo");
        Rp rp = Rp.of(f.confidentialApp());
        String cookie = f.memberCookie("mo@maxage.example");

        Http.Response recent = f.get(request(rp, f.org.id()).maxAge(3600).build().toURI().toString().substring(app.baseUrl().length()), cookie);
        assertThat(recent.status()).isEqualTo(302);
        assertThat(OidcFixture.query(recent.header("Location"))).containsKey("code");

        Thread.sleep(2100);
        Http.Response old = f.get(request(rp, f.org.id()).maxAge(1).build().toURI().toString().substring(app.baseUrl().length()), cookie);
        assertThat(old.status()).isEqualTo(302);
        assertThat(old.header("Location")).isEqualTo("/sso/" + f.org.id() + "/login?for=app&force=true");
        Http.Response login = f.get(old.header("Location"), null);
        assertThat(SamlIdp.requestXml(OidcFixture.query(login.header("Location")).get("SAMLRequest"))).contains("ForceAuthn=\"true\"");
    }

    @Test
    void client_secret_basic_and_post_work_and_a_wrong_or_revoked_secret_is_invalid_client() {
        var f = new OidcFixture(app, "secret-" + UUID.randomUUID());
        f.provision("cy@secret.example", "Cy");
        JsonNode registered = f.confidentialApp();
        Rp rp = Rp.of(registered);
        String cookie = f.memberCookie("cy@secret.example");

        String code = code(request(rp, f.org.name()).build(), cookie);
        assertThat(error(token(new ClientSecretBasic(rp.clientId(), new Secret("lanyard_oidc_wrong")),
                new AuthorizationCodeGrant(new AuthorizationCode(code), REDIRECT)))).isEqualTo("invalid_client");
        HTTPResponse raw = OidcFixture.send(new TokenRequest(endpoint("/oauth2/token"), new ClientSecretBasic(rp.clientId(), new Secret("x")),
                new AuthorizationCodeGrant(new AuthorizationCode(code), REDIRECT)).toHTTPRequest());
        assertThat(raw.getStatusCode()).isEqualTo(401);
        assertThat(raw.getHeaderValue("WWW-Authenticate")).startsWith("Basic");
        // A public-client style request (client_id, no secret) for a confidential client.
        Http.Response noSecret = app.http().send("POST", "/oauth2/token", "grant_type=authorization_code&code=" + code + "&redirect_uri="
                + URLEncoder.encode(OidcFixture.REDIRECT, StandardCharsets.UTF_8) + "&client_id=" + rp.clientId(),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(noSecret.status()).isEqualTo(401);
        assertThat(noSecret.json().get("error").asText()).isEqualTo("invalid_client");
        // The code survived the failed attempts and works with client_secret_post.
        ok(token(new ClientSecretPost(rp.clientId(), rp.secret()), new AuthorizationCodeGrant(new AuthorizationCode(code), REDIRECT)));

        // Rotation: a second secret works alongside; the first, once revoked, no longer does.
        JsonNode second = app.http().send("POST", "/admin/api/apps/" + rp.clientId() + "/secrets", app.operatorToken(), "").expect(201).json();
        app.http().send("DELETE", "/admin/api/apps/" + rp.clientId() + "/secrets/" + registered.get("secretId").asText(),
                app.operatorToken(), (String) null).expect(204);
        String code2 = code(request(rp, f.org.name()).build(), cookie);
        assertThat(error(token(rp.basic(), new AuthorizationCodeGrant(new AuthorizationCode(code2), REDIRECT)))).isEqualTo("invalid_client");
        ok(token(new ClientSecretBasic(rp.clientId(), new Secret(second.get("clientSecret").asText())),
                new AuthorizationCodeGrant(new AuthorizationCode(code2), REDIRECT)));
    }

    @Test
    void an_unknown_client_or_unregistered_redirect_uri_gets_a_page_never_a_redirect() {
        var f = new OidcFixture(app, "redir-" + UUID.randomUUID());
        f.provision("di@redir.example", "Di");
        Rp rp = Rp.of(f.confidentialApp());
        String cookie = f.memberCookie("di@redir.example");
        for (String path : List.of(
                "/oauth2/authorize?response_type=code&scope=openid&client_id=" + rp.clientId() + "&redirect_uri="
                        + URLEncoder.encode("https://evil.example/callback", StandardCharsets.UTF_8) + "&organization=" + f.org.id(),
                "/oauth2/authorize?response_type=code&scope=openid&client_id=" + rp.clientId() + "&redirect_uri="
                        + URLEncoder.encode(OidcFixture.REDIRECT + "/more", StandardCharsets.UTF_8),
                "/oauth2/authorize?response_type=code&scope=openid&client_id=nope&redirect_uri="
                        + URLEncoder.encode(OidcFixture.REDIRECT, StandardCharsets.UTF_8),
                "/oauth2/authorize?response_type=code&scope=openid&client_id=" + rp.clientId())) {
            Http.Response r = f.get(path, cookie);
            assertThat(r.status()).as(path + " " + r).isEqualTo(400);
            assertThat(r.header("Location")).isNull();
            assertThat(r.header("Content-Type")).startsWith("text/html");
        }
        // With client and redirect URI valid, errors go back to the app: no openid scope, unsupported response_type.
        Http.Response token = f.get("/oauth2/authorize?response_type=token&scope=openid&state=s1&nonce=n&client_id=" + rp.clientId()
                + "&redirect_uri=" + URLEncoder.encode(OidcFixture.REDIRECT, StandardCharsets.UTF_8) + "&organization=" + f.org.id(), cookie);
        assertThat(token.status()).isEqualTo(302);
        assertThat(OidcFixture.query(token.header("Location"))).containsEntry("error", "unsupported_response_type").containsEntry("state", "s1");
        Http.Response noOpenid = f.get("/oauth2/authorize?response_type=code&scope=email&state=s2&client_id=" + rp.clientId()
                + "&redirect_uri=" + URLEncoder.encode(OidcFixture.REDIRECT, StandardCharsets.UTF_8), cookie);
        assertThat(noOpenid.status()).isEqualTo(302);
        assertThat(OidcFixture.query(noOpenid.header("Location"))).containsKey("error").containsEntry("state", "s2");

        // At the token endpoint, a code sent with another redirect_uri is invalid_grant.
        String code = code(request(rp, f.org.name()).build(), cookie);
        assertThat(error(token(rp.basic(), new AuthorizationCodeGrant(new AuthorizationCode(code), URI.create("https://app.example/other")))))
                .isEqualTo("invalid_grant");
    }

    @Test
    void a_code_works_once_and_its_replay_revokes_the_tokens_it_issued() {
        var f = new OidcFixture(app, "replay-" + UUID.randomUUID());
        f.provision("ed@replay.example", "Ed");
        Rp rp = Rp.of(f.confidentialApp());
        String code = code(request(rp, f.org.name()).build(), f.memberCookie("ed@replay.example"));
        var grant = new AuthorizationCodeGrant(new AuthorizationCode(code), REDIRECT);
        OIDCTokenResponse first = ok(token(rp.basic(), grant));
        assertThat(userInfoStatus(first.getOIDCTokens().getBearerAccessToken())).isEqualTo(200);

        assertThat(error(token(rp.basic(), grant))).isEqualTo("invalid_grant");
        assertThat(userInfoStatus(first.getOIDCTokens().getBearerAccessToken())).isEqualTo(401);
        assertThat(error(token(rp.basic(), new RefreshTokenGrant(first.getOIDCTokens().getRefreshToken())))).isEqualTo("invalid_grant");
    }

    @Test
    void an_expired_code_is_invalid_grant() {
        var f = new OidcFixture(app, "expired-" + UUID.randomUUID());
        f.provision("fay@expired.example", "Fay");
        Rp rp = Rp.of(f.confidentialApp());
        String code = code(request(rp, f.org.name()).build(), f.memberCookie("fay@expired.example"));
        // 60 seconds pass (the row is aged rather than the test sleeping a minute).
        app.execute("update oidc_codes set expires_at = now() - interval '1 second' where hash = ?", dev.lanyard.token.Secrets.hash(code));
        assertThat(error(token(rp.basic(), new AuthorizationCodeGrant(new AuthorizationCode(code), REDIRECT)))).isEqualTo("invalid_grant");
    }

    @Test
    void pkce_is_required_for_public_clients_and_a_wrong_verifier_is_invalid_grant() {
        var f = new OidcFixture(app, "pkce-" + UUID.randomUUID());
        f.provision("gus@pkce.example", "Gus");
        JsonNode registered = f.registerApp("{\"name\":\"CLI\",\"public\":true,\"redirectUris\":[\"http://127.0.0.1:7777/cb\"]}");
        assertThat(registered.has("clientSecret")).isFalse();
        ClientID id = new ClientID(registered.get("clientId").asText());
        URI loopback = URI.create("http://127.0.0.1:7777/cb");
        String cookie = f.memberCookie("gus@pkce.example");
        var base = new AuthenticationRequest.Builder(ResponseType.CODE, new Scope("openid"), id, loopback)
                .endpointURI(endpoint("/oauth2/authorize")).state(new State("st-1")).customParameter("organization", f.org.name());

        Http.Response noPkce = f.get(base.build().toURI().toString().substring(app.baseUrl().length()), cookie);
        assertThat(OidcFixture.query(noPkce.header("Location"))).containsEntry("error", "invalid_request");
        CodeVerifier verifier = new CodeVerifier();
        Http.Response plain = f.get(base.codeChallenge(verifier, CodeChallengeMethod.PLAIN).build().toURI().toString()
                .substring(app.baseUrl().length()), cookie);
        assertThat(OidcFixture.query(plain.header("Location"))).containsEntry("error", "invalid_request");

        Http.Response r = f.get(base.codeChallenge(verifier, CodeChallengeMethod.S256).build().toURI().toString()
                .substring(app.baseUrl().length()), cookie);
        String code = OidcFixture.query(r.header("Location")).get("code");
        var publicAuth = (ClientAuthentication) null;
        HTTPResponse wrong = OidcFixture.send(new TokenRequest(endpoint("/oauth2/token"), id,
                new AuthorizationCodeGrant(new AuthorizationCode(code), loopback, new CodeVerifier())).toHTTPRequest());
        assertThat(wrong.getStatusCode()).isEqualTo(400);
        assertThat(wrong.getBody()).contains("invalid_grant");
        HTTPResponse missing = OidcFixture.send(new TokenRequest(endpoint("/oauth2/token"), id,
                new AuthorizationCodeGrant(new AuthorizationCode(code), loopback)).toHTTPRequest());
        assertThat(missing.getBody()).contains("invalid_grant");
        HTTPResponse right = OidcFixture.send(new TokenRequest(endpoint("/oauth2/token"), id,
                new AuthorizationCodeGrant(new AuthorizationCode(code), loopback, verifier)).toHTTPRequest());
        assertThat(right.getStatusCode()).as(right.getBody()).isEqualTo(200);
        assertThat(publicAuth).isNull();
    }

    @Test
    void a_deactivated_account_gets_no_code_and_its_tokens_stop_at_once() {
        var f = new OidcFixture(app, "deact-" + UUID.randomUUID());
        String scimId = f.provision("hal@deact.example", "Hal");
        Rp rp = Rp.of(f.confidentialApp());
        String cookie = f.memberCookie("hal@deact.example");
        OIDCTokenResponse tokens = ok(token(rp.basic(), new AuthorizationCodeGrant(
                new AuthorizationCode(code(request(rp, f.org.name()).build(), cookie)), REDIRECT)));
        String pendingCode = code(request(rp, f.org.name()).build(), cookie);

        f.setActive(scimId, false);
        assertThat(userInfoStatus(tokens.getOIDCTokens().getBearerAccessToken())).isEqualTo(401);
        assertThat(error(token(rp.basic(), new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken())))).isEqualTo("invalid_grant");
        assertThat(error(token(rp.basic(), new AuthorizationCodeGrant(new AuthorizationCode(pendingCode), REDIRECT)))).isEqualTo("invalid_grant");
        // The member session ended with the account: the authorization endpoint sends the browser to sign in, no code.
        Http.Response again = f.get(request(rp, f.org.name()).build().toURI().toString().substring(app.baseUrl().length()), cookie);
        assertThat(again.status()).isEqualTo(302);
        assertThat(again.header("Location")).startsWith("/sso/");

        // Reactivated, the old refresh token stays dead (its grant was revoked).
        f.setActive(scimId, true);
        assertThat(error(token(rp.basic(), new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken())))).isEqualTo("invalid_grant");
    }

    @Test
    void an_app_limited_to_other_organizations_or_turned_off_is_access_denied() {
        var a = new OidcFixture(app, "orga-" + UUID.randomUUID());
        var b = new OidcFixture(app, "orgb-" + UUID.randomUUID());
        b.provision("ivy@b.example", "Ivy");
        Rp onlyA = Rp.of(a.registerApp("{\"name\":\"Only A\",\"redirectUris\":[\"" + OidcFixture.REDIRECT + "\"],\"organizations\":[\""
                + a.org.name() + "\"]}"));
        String cookie = b.memberCookie("ivy@b.example");
        assertThat(redirectError(request(onlyA, b.org.name()).build(), cookie)).containsEntry("error", "access_denied");

        Rp all = Rp.of(b.confidentialApp());
        OIDCTokenResponse tokens = ok(token(all.basic(), new AuthorizationCodeGrant(
                new AuthorizationCode(code(request(all, b.org.name()).build(), cookie)), REDIRECT)));
        JsonNode listed = app.http().send("GET", "/admin/api/orgs/" + b.org.id() + "/apps", app.operatorToken(), (String) null).expect(200).json();
        assertThat(listed.get("apps").findValuesAsText("clientId")).contains(all.clientId().getValue()).doesNotContain(onlyA.clientId().getValue());
        app.http().send("PUT", "/admin/api/orgs/" + b.org.id() + "/apps/" + all.clientId(), app.operatorToken(), "{\"enabled\":false}").expect(204);
        assertThat(redirectError(request(all, b.org.name()).build(), cookie)).containsEntry("error", "access_denied");
        assertThat(userInfoStatus(tokens.getOIDCTokens().getBearerAccessToken())).isEqualTo(401);
        assertThat(error(token(all.basic(), new RefreshTokenGrant(tokens.getOIDCTokens().getRefreshToken())))).isEqualTo("invalid_grant");
    }

    @Test
    void refresh_tokens_rotate_and_a_reused_one_revokes_the_sign_in_and_revocation_ends_it() {
        var f = new OidcFixture(app, "refresh-" + UUID.randomUUID());
        f.provision("jo@refresh.example", "Jo");
        Rp rp = Rp.of(f.confidentialApp());
        String cookie = f.memberCookie("jo@refresh.example");
        OIDCTokenResponse first = ok(token(rp.basic(), new AuthorizationCodeGrant(
                new AuthorizationCode(code(request(rp, f.org.name()).build(), cookie)), REDIRECT)));
        RefreshToken r1 = first.getOIDCTokens().getRefreshToken();
        OIDCTokenResponse second = ok(token(rp.basic(), new RefreshTokenGrant(r1)));
        RefreshToken r2 = second.getOIDCTokens().getRefreshToken();
        assertThat(r2).isNotEqualTo(r1);
        assertThat(userInfoStatus(second.getOIDCTokens().getBearerAccessToken())).isEqualTo(200);
        // r1 again: a stolen token's replay; the whole sign-in ends.
        assertThat(error(token(rp.basic(), new RefreshTokenGrant(r1)))).isEqualTo("invalid_grant");
        assertThat(error(token(rp.basic(), new RefreshTokenGrant(r2)))).isEqualTo("invalid_grant");
        assertThat(userInfoStatus(second.getOIDCTokens().getBearerAccessToken())).isEqualTo(401);

        // Revocation (RFC 7009) of a refresh token ends its access tokens too; an unknown token is no error.
        OIDCTokenResponse other = ok(token(rp.basic(), new AuthorizationCodeGrant(
                new AuthorizationCode(code(request(rp, f.org.name()).build(), cookie)), REDIRECT)));
        HTTPResponse revoked = OidcFixture.send(new TokenRevocationRequest(endpoint("/oauth2/revoke"), rp.basic(),
                other.getOIDCTokens().getRefreshToken()).toHTTPRequest());
        assertThat(revoked.getStatusCode()).isEqualTo(200);
        assertThat(userInfoStatus(other.getOIDCTokens().getBearerAccessToken())).isEqualTo(401);
        assertThat(OidcFixture.send(new TokenRevocationRequest(endpoint("/oauth2/revoke"), rp.basic(),
                new RefreshToken("nonsense")).toHTTPRequest()).getStatusCode()).isEqualTo(200);
        assertThat(OidcFixture.send(new TokenRevocationRequest(endpoint("/oauth2/revoke"),
                new ClientSecretBasic(rp.clientId(), new Secret("wrong")), new RefreshToken("x")).toHTTPRequest()).getStatusCode()).isEqualTo(401);
    }

    @Test
    void the_organization_comes_from_the_parameter_the_login_hint_domain_or_the_picker() {
        var f = new OidcFixture(app, "pick-" + UUID.randomUUID());
        f.provision("kit@pick.example", "Kit");
        Rp rp = Rp.of(f.confidentialApp());
        String cookie = f.memberCookie("kit@pick.example");

        Http.Response picker = f.get(request(rp, null).build().toURI().toString().substring(app.baseUrl().length()), cookie);
        assertThat(picker.status()).isEqualTo(200);
        assertThat(picker.body()).contains("name=\"organization\"").contains("name=\"client_id\"").contains("Acme CRM");
        Http.Response unknown = f.get(request(rp, "no-such-org").build().toURI().toString().substring(app.baseUrl().length()), cookie);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("no-such-org");

        app.http().send("PUT", "/admin/api/orgs/" + f.org.id() + "/email-domains", app.operatorToken(), "{\"domains\":[\"Pick.Example\"]}")
                .expect(200);
        code(request(rp, null).loginHint("kit@pick.example").build(), cookie);
        code(request(rp, "kit@PICK.example").build(), cookie);
        // Another organization cannot claim the same domain.
        var other = app.newOrg("pick-other-" + UUID.randomUUID());
        assertThat(app.http().send("PUT", "/admin/api/orgs/" + other.id() + "/email-domains", app.operatorToken(),
                "{\"domains\":[\"pick.example\"]}").status()).isEqualTo(409);
    }

    @Test
    void signing_keys_rotate_with_the_new_key_published_before_it_signs() throws Exception {
        var f = new OidcFixture(app, "keys-" + UUID.randomUUID());
        f.provision("lu@keys.example", "Lu");
        Rp rp = Rp.of(f.confidentialApp());
        String cookie = f.memberCookie("lu@keys.example");
        String kidBefore = idToken(rp, f, cookie).getHeader().getKeyID();

        JsonNode next = app.http().send("POST", "/admin/api/oidc/keys/rotate", app.operatorToken(), "{\"publishAheadSeconds\":3600}").expect(201).json();
        String jwks = f.get("/oauth2/jwks", null).body();
        assertThat(jwks).contains(next.get("kid").asText()).contains(kidBefore).doesNotContain("\"d\"");
        assertThat(idToken(rp, f, cookie).getHeader().getKeyID()).isEqualTo(kidBefore);

        JsonNode now = app.http().send("POST", "/admin/api/oidc/keys/rotate", app.operatorToken(), "{\"publishAheadSeconds\":0}").expect(201).json();
        assertThat(idToken(rp, f, cookie).getHeader().getKeyID()).isEqualTo(now.get("kid").asText());
        assertThat(f.get("/oauth2/jwks", null).body()).contains(kidBefore);
        // The private part is sealed: the stored bytes never hold the JWK's private exponent member.
        assertThat(app.count("select count(*) from oidc_signing_keys where position(? in sealed_jwk) > 0", "\"d\":".getBytes(StandardCharsets.UTF_8)))
                .isZero();
        assertThat(app.count("select count(*) from oidc_signing_keys")).isGreaterThanOrEqualTo(3);
    }

    private com.nimbusds.jwt.SignedJWT idToken(Rp rp, OidcFixture f, String cookie) {
        OIDCTokenResponse t = ok(token(rp.basic(), new AuthorizationCodeGrant(
                new AuthorizationCode(code(request(rp, f.org.name()).build(), cookie)), REDIRECT)));
        return (com.nimbusds.jwt.SignedJWT) t.getOIDCTokens().getIDToken();
    }

    @Test
    void the_operator_api_refuses_bad_apps_and_never_shows_a_secret_twice() {
        for (String bad : List.of("{\"name\":\"x\",\"redirectUris\":[\"http://app.example/cb\"]}",
                "{\"name\":\"x\",\"redirectUris\":[\"https://app.example/cb#frag\"]}",
                "{\"name\":\"x\",\"redirectUris\":[]}",
                "{\"name\":\"\",\"redirectUris\":[\"https://app.example/cb\"]}",
                "{\"name\":\"x\",\"redirectUris\":[\"https://app.example/cb\"],\"accessTokenSeconds\":5}",
                "{\"name\":\"x\",\"redirectUris\":[\"https://app.example/cb\"],\"organizations\":[\"no-such-org\"]}")) {
            assertThat(app.http().send("POST", "/admin/api/apps", app.operatorToken(), bad).status()).as(bad).isIn(400, 404);
        }
        assertThat(app.http().send("POST", "/admin/api/apps", (String) null, "{}").status()).isEqualTo(401);
        JsonNode created = app.http().send("POST", "/admin/api/apps", app.operatorToken(),
                "{\"name\":\"Local\",\"redirectUris\":[\"http://localhost:3000/cb\",\"http://[::1]:3000/cb\"]}").expect(201).json();
        assertThat(created.get("clientSecret").asText()).startsWith("lanyard_oidc_");
        String listed = app.http().send("GET", "/admin/api/apps", app.operatorToken(), (String) null).expect(200).body();
        assertThat(listed).contains(created.get("clientId").asText()).doesNotContain(created.get("clientSecret").asText());
        assertThat(app.count("select count(*) from oidc_client_secrets where hash = ?",
                (Object) dev.lanyard.token.Secrets.hash(created.get("clientSecret").asText()))).isEqualTo(1);
    }
}
