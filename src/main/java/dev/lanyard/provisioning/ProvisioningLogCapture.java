package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.audit.ProvisioningLogEntry;
import dev.lanyard.audit.Redaction;
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
                Optional.ofNullable(body).map(Redaction::redact)));
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
