package dev.lanyard.provisioning;

import dev.lanyard.domain.DomainException;
import com.unboundid.scim2.common.exceptions.ScimException;
import com.unboundid.scim2.common.exceptions.UnauthorizedException;
import dev.lanyard.organization.OrganizationService;
import dev.lanyard.token.ProvisioningToken;
import dev.lanyard.token.TokenService;
import io.javalin.http.Context;

import java.util.Optional;
import java.util.UUID;

/**
 * Bearer authentication of SCIM requests (RFC 7644 §2, RFC 6750). A token is valid only at its
 * own organization's SCIM URL; any other token, or none, is 401 with WWW-Authenticate, and the
 * detail never echoes what was sent. A valid token of an organization whose provisioning is
 * disabled gets 403, with a detail that says so (docs/product-rules.md rule 1).
 */
final class ScimAuth {
    static final String ORG_ATTRIBUTE = dev.lanyard.http.AccessLog.ORG_ATTRIBUTE;

    /** The running request's place under {@link TenantLimits}, released when the request ends. */
    static final String PERMIT_ATTRIBUTE = "lanyard.scim.permit";
    /** Set once the request is authenticated for the organization in its URL: only those are logged. */
    static final String AUTHENTICATED_ATTRIBUTE = "lanyard.scim.authenticated";

    private final TokenService tokens;
    private final TenantLimits limits;

    ScimAuth(TokenService tokens, TenantLimits limits) {
        this.tokens = tokens;
        this.limits = limits;
    }

    /**
     * The token's holder (its organization), or a 401 / 403 ScimException; then the request takes
     * its place under the organization's limits (429 when over them, see {@link TenantLimits}).
     */
    ProvisioningToken.Holder require(Context ctx) throws ScimException {
        // RFC 6750 §2.3 allows a token in the URL but says not to: URLs end up in logs, proxies
        // and browser history. Refused, whatever else the request carries, and never logged.
        if (ctx.queryParamMap().containsKey("access_token")) {
            throw unauthorized("a token in the URL (access_token=) is not accepted, because URLs end up in logs; "
                    + "send it as \"Authorization: Bearer <token>\" and generate a new one, as this one may have leaked");
        }
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw unauthorized("this SCIM endpoint needs an \"Authorization: Bearer <token>\" header with the organization's SCIM token");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("use the SCIM token as a Bearer token: \"Authorization: Bearer <token>\"");
        }
        Optional<UUID> pathOrg = OrganizationService.parseUuid(ctx.pathParam("orgId"));
        Optional<ProvisioningToken.Holder> holder = tokens.authenticate(header.substring(7).strip(), pathOrg);
        if (holder.isEmpty()) {
            throw unauthorized("the bearer token is not valid: it is unknown or was revoked; generate a new token for this organization");
        }
        if (pathOrg.isEmpty() || !pathOrg.get().equals(holder.get().orgId())) {
            throw unauthorized("the bearer token is not valid for this SCIM URL; use the SCIM URL shown next to the token");
        }
        ctx.attribute(ORG_ATTRIBUTE, holder.get().orgId().toString());
        ctx.attribute(AUTHENTICATED_ATTRIBUTE, Boolean.TRUE);
        ctx.attribute(ProvisioningLogCapture.TOKEN_ATTRIBUTE, holder.get().tokenId());
        if (!holder.get().provisioningEnabled()) {
            throw new DomainException.Disabled("user provisioning is disabled for this organization; an admin can enable it "
                    + "under Organization > User provisioning (or: bin/lanyard provisioning enable ORG)");
        }
        ctx.attribute(PERMIT_ATTRIBUTE, limits.enter(holder.get().orgId(), holder.get().tokenId()));
        return holder.get();
    }

    /**
     * Whether the caller's token is still live and its organization's provisioning still enabled:
     * a /Bulk request re-checks between operations, so revoking the token or disabling
     * provisioning stops one that is already running.
     */
    boolean stillValid(ProvisioningToken.Holder caller) {
        return tokens.stillValid(caller);
    }

    /** Ends the request's place under the limits; runs after every SCIM request, failed ones too. */
    static void release(Context ctx) {
        TenantLimits.Permit permit = ctx.attribute(PERMIT_ATTRIBUTE);
        if (permit != null) permit.close();
    }

    /** Whether this request was authenticated for the organization its URL names (the provisioning log writes only those). */
    static boolean authenticated(Context ctx) {
        return Boolean.TRUE.equals(ctx.attribute(AUTHENTICATED_ATTRIBUTE));
    }

    private static UnauthorizedException unauthorized(String detail) {
        return new UnauthorizedException(detail);
    }
}
