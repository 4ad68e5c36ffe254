package dev.lanyard.provisioning;

import com.unboundid.scim2.common.exceptions.ForbiddenException;
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

    private final TokenService tokens;

    ScimAuth(TokenService tokens) {
        this.tokens = tokens;
    }

    /** The token's holder (its organization), or a 401 / 403 ScimException. */
    ProvisioningToken.Holder require(Context ctx) throws ScimException {
        String header = ctx.header("Authorization");
        if (header == null || header.isBlank()) {
            throw unauthorized("this SCIM endpoint needs an \"Authorization: Bearer <token>\" header with the organization's SCIM token");
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("use the SCIM token as a Bearer token: \"Authorization: Bearer <token>\"");
        }
        Optional<UUID> pathOrg = OrganizationService.parseUuid(ctx.pathParam("orgId"));
        Optional<ProvisioningToken.Holder> holder = tokens.authenticate(header.substring(7).strip());
        if (holder.isEmpty()) {
            throw unauthorized("the bearer token is not valid: it is unknown or was revoked; generate a new token for this organization");
        }
        if (pathOrg.isEmpty() || !pathOrg.get().equals(holder.get().orgId())) {
            throw unauthorized("the bearer token is not valid for this SCIM URL; use the SCIM URL shown next to the token");
        }
        ctx.attribute(ORG_ATTRIBUTE, holder.get().orgId().toString());
        ctx.attribute(ProvisioningLogCapture.TOKEN_ATTRIBUTE, holder.get().tokenId());
        if (!holder.get().provisioningEnabled()) {
            throw new ForbiddenException("user provisioning is disabled for this organization; an admin can enable it "
                    + "under Organization > User provisioning (or: bin/lanyard provisioning enable ORG)");
        }
        return holder.get();
    }

    private static UnauthorizedException unauthorized(String detail) {
        return new UnauthorizedException(detail);
    }
}
