package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.audit.ProvisioningLogEntry;
import dev.lanyard.audit.Redaction;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.http.AccessLog;
import dev.lanyard.http.Clients;
import dev.lanyard.http.Json;
import dev.lanyard.organization.OrganizationService;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Hands every finished SCIM request to the {@link ProvisioningLog}: what was asked, what came
 * back and, for a failure, the SCIM error the IdP received. Called from the request logger, after
 * the answer is complete; the log writes it in the background.
 */
public final class ProvisioningLogCapture {
    /** The token that authenticated the request (set by ScimAuth). */
    static final String TOKEN_ATTRIBUTE = "lanyard.scim.token";
    /** The account the request read or changed (set by UserRoutes on success). */
    static final String ACCOUNT_ATTRIBUTE = "lanyard.scim.account";
    /** Longest userName the log keeps; a longer one is cut (the request body keeps it whole). */
    private static final int MAX_USER_NAME = 320;

    private final ProvisioningLog log;

    public ProvisioningLogCapture(ProvisioningLog log) {
        this.log = log;
    }

    public void capture(Context ctx, Float millis) {
        String path = ctx.path();
        if (!path.startsWith(ScimRoutes.PREFIX)) return;
        Optional<UUID> orgId = org(ctx, path);
        if (orgId.isEmpty()) return;  // not an organization's URL: nobody to show it to
        JsonNode body = ctx.attribute(Json.BODY_ATTRIBUTE);
        log.record(new ProvisioningLogEntry(orgId.get(), Instant.now(), ctx.method().name(), path,
                Optional.ofNullable(ctx.queryString()), Clients.name(ctx.header("User-Agent")), ctx.statusCode(),
                millis == null ? 0 : millis, Optional.ofNullable(ctx.attribute(ScimResponses.SCIM_TYPE_ATTRIBUTE)),
                Optional.ofNullable(ctx.attribute(ScimResponses.DETAIL_ATTRIBUTE)),
                Optional.ofNullable(body).map(Redaction::redact), subject(ctx, body)));
    }

    /** Marks the account a request read or changed, for its log entry. */
    static void about(Context ctx, ManagedAccount account) {
        ctx.attribute(ACCOUNT_ATTRIBUTE, account);
    }

    static void about(Context ctx, Optional<ManagedAccount> account) {
        account.ifPresent(a -> about(ctx, a));
    }

    /** The token; the account touched, else the userName the body names (a refused POST, PUT). */
    private static ProvisioningLogEntry.Subject subject(Context ctx, JsonNode body) {
        UUID token = ctx.attribute(TOKEN_ATTRIBUTE);
        ManagedAccount account = ctx.attribute(ACCOUNT_ATTRIBUTE);
        Optional<String> userName = account != null ? Optional.of(account.email())
                : Optional.ofNullable(body).map(b -> b.get("userName")).filter(JsonNode::isTextual).map(JsonNode::asText);
        return new ProvisioningLogEntry.Subject(Optional.ofNullable(token),
                userName.map(u -> u.length() > MAX_USER_NAME ? u.substring(0, MAX_USER_NAME) : u),
                Optional.ofNullable(account).map(ManagedAccount::id));
    }

    /** The authenticated organization, else the one the URL names (a 401 belongs in its log too). */
    private static Optional<UUID> org(Context ctx, String path) {
        String known = ctx.attribute(AccessLog.ORG_ATTRIBUTE);
        if (known != null) return Optional.of(UUID.fromString(known));
        String rest = path.substring(ScimRoutes.PREFIX.length());
        int slash = rest.indexOf('/');
        return OrganizationService.parseUuid(slash < 0 ? rest : rest.substring(0, slash));
    }
}
