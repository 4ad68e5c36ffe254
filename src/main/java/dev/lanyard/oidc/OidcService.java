package dev.lanyard.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.OAuth2Error;
import com.nimbusds.oauth2.sdk.id.Audience;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.Subject;
import com.nimbusds.oauth2.sdk.pkce.CodeChallenge;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.AMR;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import com.nimbusds.openid.connect.sdk.claims.UserInfo;
import dev.lanyard.account.AccountService;
import dev.lanyard.account.AccountStatus;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.organization.Organization;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.storage.Transactions;
import dev.lanyard.token.Secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The protocol's state: codes (RFC 6749 §4.1.2: single use, 60 seconds, bound to the client, the
 * redirect URI and the PKCE challenge), access and refresh tokens (opaque, stored as SHA-256),
 * ID tokens (OIDC Core §2, signed by {@link SigningKeys}), UserInfo (§5.3) and revocation
 * (RFC 7009). Every use checks again that the account is active and that the app is still
 * offered to and not turned off by its organization, so a deactivated member's tokens stop at once.
 */
public final class OidcService {
    public static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    /** How Lanyard authenticated the member: RFC 8176 registers no value for a SAML federation, so this one is ours. */
    static final String AMR_SAML = "saml";

    private final Transactions tx;
    private final ClientService clients;
    private final AccountService accounts;
    private final OrganizationService organizations;
    private final SigningKeys keys;
    private final Clock clock;
    private final GrantStore store = new GrantStore();

    public OidcService(Transactions tx, ClientService clients, AccountService accounts, OrganizationService organizations,
                       SigningKeys keys, Clock clock) {
        this.tx = tx;
        this.clients = clients;
        this.accounts = accounts;
        this.organizations = organizations;
        this.keys = keys;
        this.clock = clock;
    }

    /** What the token endpoint answers. */
    record Tokens(String accessToken, Duration expiresIn, Optional<String> refreshToken, SignedJWT idToken, String scope) {}

    /** The member behind an access token, for UserInfo. */
    record Claims(ManagedAccount account, Organization org, String scope) {}

    String issueCode(OidcClient client, UUID orgId, UUID accountId, Instant authTime, String scope, String redirectUri,
                     Optional<String> codeChallenge, Optional<String> nonce) {
        String code = Secrets.generate("");
        Instant now = clock.instant();
        tx.inTransaction(c -> {
            UUID grant = UUID.randomUUID();
            store.insertGrant(c, grant, client.id(), orgId, accountId, scope, authTime);
            store.insertCode(c, Secrets.hash(code), grant, redirectUri, codeChallenge, nonce, now.plus(CODE_LIFETIME));
            return null;
        });
        return code;
    }

    /** The refusal a code exchange came to; a replay is told apart because it must revoke what the code issued. */
    private sealed interface Redeemed {
        record Ok(GrantStore.Grant grant, Optional<String> nonce, String access, Optional<String> refresh) implements Redeemed {}

        record Refused(OAuthError error) implements Redeemed {}
    }

    /** RFC 6749 §4.1.3 with RFC 7636 §4.6. */
    Tokens exchangeCode(OidcClient client, String code, String redirectUri, Optional<String> verifier, String issuer) throws OAuthError {
        if (!Secrets.wellFormed(code)) throw invalidGrant("the authorization code is not one Lanyard issued");
        byte[] hash = Secrets.hash(code);
        Instant now = clock.instant();
        Redeemed r = tx.inTransaction(c -> {
            Optional<GrantStore.Code> found = store.lockCode(c, hash);
            if (found.isEmpty() || !found.get().grant().client().equals(client.id())) {
                return new Redeemed.Refused(invalidGrant("the authorization code is unknown, or was issued to another client"));
            }
            GrantStore.Code stored = found.get();
            if (stored.usedAt().isPresent()) {
                // RFC 6749 §4.1.2: a code used twice revokes the tokens it already issued.
                store.revokeGrant(c, stored.grant().id(), now);
                return new Redeemed.Refused(invalidGrant("the authorization code was already used; the tokens it issued are revoked"));
            }
            if (!now.isBefore(stored.expiresAt())) {
                return new Redeemed.Refused(invalidGrant("the authorization code expired (codes live " + CODE_LIFETIME.toSeconds() + " seconds)"));
            }
            if (!stored.redirectUri().equals(redirectUri)) {
                return new Redeemed.Refused(invalidGrant("redirect_uri differs from the one in the authorization request"));
            }
            Optional<OAuthError> pkce = pkce(stored.codeChallenge(), verifier);
            if (pkce.isPresent()) return new Redeemed.Refused(pkce.get());
            Optional<OAuthError> standing = standing(client, stored.grant());
            if (standing.isPresent()) return new Redeemed.Refused(standing.get());
            store.useCode(c, hash, now);
            String access = Secrets.generate("");
            store.insertToken(c, Secrets.hash(access), stored.grant().id(), "access", now.plus(client.accessTokenLifetime()));
            Optional<String> refresh = refresh(c, client, stored.grant());
            return new Redeemed.Ok(stored.grant(), stored.nonce(), access, refresh);
        });
        return tokens(client, r, issuer, now);
    }

    /** RFC 6749 §6, with rotation: each refresh token works once; a second use revokes the grant (RFC 9700 §4.14.2). */
    Tokens refresh(OidcClient client, String refreshToken, String issuer) throws OAuthError {
        if (!Secrets.wellFormed(refreshToken)) throw invalidGrant("the refresh token is not one Lanyard issued");
        byte[] hash = Secrets.hash(refreshToken);
        Instant now = clock.instant();
        Redeemed r = tx.inTransaction(c -> {
            Optional<GrantStore.Token> found = store.lockToken(c, hash);
            if (found.isEmpty() || !found.get().kind().equals("refresh") || !found.get().grant().client().equals(client.id())) {
                return new Redeemed.Refused(invalidGrant("the refresh token is unknown, or was issued to another client"));
            }
            GrantStore.Token token = found.get();
            if (token.usedAt().isPresent()) {
                store.revokeGrant(c, token.grant().id(), now);
                return new Redeemed.Refused(invalidGrant("the refresh token was already used; every token of this sign-in is revoked"));
            }
            if (!now.isBefore(token.expiresAt())) return new Redeemed.Refused(invalidGrant("the refresh token expired"));
            Optional<OAuthError> standing = standing(client, token.grant());
            if (standing.isPresent()) {
                store.revokeGrant(c, token.grant().id(), now);
                return new Redeemed.Refused(standing.get());
            }
            store.useToken(c, hash, now);
            String access = Secrets.generate("");
            store.insertToken(c, Secrets.hash(access), token.grant().id(), "access", now.plus(client.accessTokenLifetime()));
            return new Redeemed.Ok(token.grant(), Optional.empty(), access, refresh(c, client, token.grant()));
        });
        return tokens(client, r, issuer, now);
    }

    /** The member an access token speaks for; empty when it is unknown, expired, revoked, or its account or app no longer may. */
    Optional<Claims> userInfo(String accessToken) {
        if (!Secrets.wellFormed(accessToken)) return Optional.empty();
        Instant now = clock.instant();
        Optional<GrantStore.Token> token = tx.read(c -> store.findToken(c, Secrets.hash(accessToken)));
        if (token.isEmpty() || !token.get().kind().equals("access") || !now.isBefore(token.get().expiresAt())) return Optional.empty();
        GrantStore.Grant grant = token.get().grant();
        Optional<OidcClient> client = clients.find(grant.client());
        if (client.isEmpty() || standing(client.get(), grant).isPresent()) return Optional.empty();
        Optional<ManagedAccount> account = accounts.find(grant.orgId(), grant.accountId());
        Optional<Organization> org = organizations.findById(grant.orgId());
        if (account.isEmpty() || !account.get().active() || org.isEmpty()) return Optional.empty();
        return Optional.of(new Claims(account.get(), org.get(), grant.scope()));
    }

    /** RFC 7009 §2.1: a refresh token ends its whole grant; an access token ends itself. Unknown tokens are no error. */
    void revoke(OidcClient client, String token) {
        if (!Secrets.wellFormed(token)) return;
        byte[] hash = Secrets.hash(token);
        Instant now = clock.instant();
        tx.inTransaction(c -> {
            Optional<GrantStore.Token> found = store.lockToken(c, hash);
            if (found.isEmpty() || !found.get().grant().client().equals(client.id())) return null;
            if (found.get().kind().equals("refresh")) store.revokeGrant(c, found.get().grant().id(), now);
            else store.expireToken(c, hash, now);
            return null;
        });
    }

    /** UserInfo claims (OIDC Core §5.1), also put in the ID token. {@code sub} is the account id: stable, never the email. */
    static UserInfo userInfo(ManagedAccount account, Organization org) {
        UserInfo info = new UserInfo(new Subject(account.id().toString()));
        info.setEmailAddress(account.email());
        // A display hint for relying parties that want a username (Keycloak makes its user from it); never the subject.
        info.setPreferredUsername(account.email());
        // The email is the organization IdP's username for this person, which the organization vouches for.
        info.setEmailVerified(true);
        Profile.of(account).name().ifPresent(info::setName);
        Profile.of(account).givenName().ifPresent(info::setGivenName);
        Profile.of(account).familyName().ifPresent(info::setFamilyName);
        info.setClaim("org_id", org.id().toString());
        info.setClaim("org_name", org.name());
        return info;
    }

    private Tokens tokens(OidcClient client, Redeemed r, String issuer, Instant now) throws OAuthError {
        return switch (r) {
            case Redeemed.Refused refused -> throw refused.error();
            case Redeemed.Ok ok -> {
                ManagedAccount account = accounts.find(ok.grant().orgId(), ok.grant().accountId()).orElseThrow();
                Organization org = organizations.findById(ok.grant().orgId()).orElseThrow();
                yield new Tokens(ok.access(), client.accessTokenLifetime(), ok.refresh(),
                        idToken(client, account, org, ok.grant(), ok.nonce(), issuer, now), ok.grant().scope());
            }
        };
    }

    private SignedJWT idToken(OidcClient client, ManagedAccount account, Organization org, GrantStore.Grant grant,
                              Optional<String> nonce, String issuer, Instant now) {
        var claims = new IDTokenClaimsSet(new Issuer(issuer), new Subject(account.id().toString()),
                List.of(new Audience(client.clientId())), Date.from(now.plus(client.accessTokenLifetime())), Date.from(now));
        claims.setAuthenticationTime(Date.from(grant.authTime()));
        nonce.ifPresent(n -> claims.setNonce(new Nonce(n)));
        claims.setAMR(List.of(new AMR(AMR_SAML)));
        claims.putAll(userInfo(account, org));
        RSAKey key = keys.current();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                    claims.toJWTClaimsSet());
            jwt.sign(new RSASSASigner(key));
            return jwt;
        } catch (JOSEException | com.nimbusds.oauth2.sdk.ParseException e) {
            throw new IllegalStateException("signing an ID token", e);
        }
    }

    private Optional<String> refresh(java.sql.Connection c, OidcClient client, GrantStore.Grant grant) throws java.sql.SQLException {
        if (!client.issuesRefreshTokens()) return Optional.empty();
        // Absolute lifetime: counted from the sign-in, so rotation never extends it.
        Instant expires = grant.createdAt().plus(client.refreshTokenLifetime());
        if (!clock.instant().isBefore(expires)) return Optional.empty();
        String refresh = Secrets.generate("");
        store.insertToken(c, Secrets.hash(refresh), grant.id(), "refresh", expires);
        return Optional.of(refresh);
    }

    /** Whether the grant may still be used: not revoked, the account active, the app offered to and on for the organization. */
    private Optional<OAuthError> standing(OidcClient client, GrantStore.Grant grant) {
        if (grant.revokedAt().isPresent()) return Optional.of(invalidGrant("this sign-in was revoked"));
        if (!AccountStatus.ACTIVE.dbValue().equals(grant.accountStatus())) {
            return Optional.of(invalidGrant("the account is " + grant.accountStatus() + " and may no longer sign in"));
        }
        if (!clients.usableBy(client, grant.orgId())) {
            return Optional.of(invalidGrant("the app is no longer available to the member's organization"));
        }
        return Optional.empty();
    }

    private static Optional<OAuthError> pkce(Optional<String> challenge, Optional<String> verifier) {
        if (challenge.isEmpty()) {
            return verifier.isPresent() ? Optional.of(invalidGrant("code_verifier sent, but the authorization request had no code_challenge"))
                    : Optional.empty();
        }
        if (verifier.isEmpty()) return Optional.of(invalidGrant("code_verifier is required: the authorization request had a code_challenge"));
        CodeChallenge computed;
        try {
            computed = CodeChallenge.compute(CodeChallengeMethod.S256, new CodeVerifier(verifier.get()));
        } catch (IllegalArgumentException e) {
            return Optional.of(invalidGrant("code_verifier is malformed (RFC 7636 §4.1: 43 to 128 unreserved characters)"));
        }
        if (!java.security.MessageDigest.isEqual(computed.getValue().getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                challenge.get().getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            return Optional.of(invalidGrant("code_verifier does not match the code_challenge (PKCE, RFC 7636 §4.6)"));
        }
        return Optional.empty();
    }

    private static OAuthError invalidGrant(String description) {
        return new OAuthError(OAuth2Error.INVALID_GRANT, description);
    }
}
