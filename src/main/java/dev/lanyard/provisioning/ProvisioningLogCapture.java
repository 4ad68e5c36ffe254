package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.audit.ProvisioningLog;
import dev.lanyard.audit.ProvisioningLogEntry;
import dev.lanyard.audit.Redaction;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.domain.FailureReason;
import dev.lanyard.http.AccessLog;
import dev.lanyard.http.Clients;
import dev.lanyard.http.Errors;
import dev.lanyard.http.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
    private static final int MAX_PATH = 512;
    /** The token that authenticated the request (set by ScimAuth). */
    static final String TOKEN_ATTRIBUTE = "lanyard.scim.token";
    /** The account the request read or changed (set by UserRoutes on success). */
    static final String ACCOUNT_ATTRIBUTE = "lanyard.scim.account";
    /** Longest userName the log keeps; a longer one is cut (the request body keeps it whole). */
    private static final int MAX_USER_NAME = 320;

    private final ProvisioningLog log;
    private final Counter unauthenticated;

    public ProvisioningLogCapture(ProvisioningLog log, MeterRegistry metrics) {
        this.log = log;
        this.unauthenticated = Counter.builder("lanyard.scim.unauthenticated")
                .description("SCIM requests not authenticated for the organization in their URL (not in any provisioning log)")
                .register(metrics);
    }

    /**
     * Only requests authenticated for the organization in their URL are written (docs/security.md):
     * anyone can send a request naming an organization, and nobody but its IdP may write into its
     * log. The rest are only counted ({@code lanyard_scim_unauthenticated_total}).
     */
    public void capture(Context ctx, Float millis) {
        String path = ctx.path();
        if (!path.startsWith(ScimRoutes.PREFIX)) return;
        if (!ScimAuth.authenticated(ctx)) {
            unauthenticated.increment();
            return;
        }
        UUID orgId = UUID.fromString(ctx.attribute(AccessLog.ORG_ATTRIBUTE));
        JsonNode body = ctx.attribute(Json.BODY_ATTRIBUTE);
        long bytes = Math.max(0, ctx.contentLength());
        log.record(new ProvisioningLogEntry(orgId, Instant.now(), ctx.method().name(),
                path.length() <= MAX_PATH ? path : path.substring(0, MAX_PATH) + "…",
                Optional.ofNullable(ctx.queryString()).map(Redaction::redactQuery), Redaction.redactText(Clients.name(ctx.header("User-Agent"))), ctx.statusCode(),
                millis == null ? 0 : millis, Optional.ofNullable(ctx.attribute(ScimResponses.SCIM_TYPE_ATTRIBUTE)),
                Optional.ofNullable(ctx.attribute(ScimResponses.DETAIL_ATTRIBUTE)), reason(ctx),
                Optional.ofNullable(body).map(b -> Redaction.forLogText(b, bytes)), subject(ctx, body)));
    }

    /**
     * Why a failure failed: {@code http.Errors} leaves the reason on the request wherever it writes an
     * error; a failure written some other way still gets what its status and SCIM type say.
     */
    private static Optional<FailureReason> reason(Context ctx) {
        if (ctx.statusCode() < 400) return Optional.empty();
        FailureReason set = ctx.attribute(Errors.REASON_ATTRIBUTE);
        return Optional.of(set != null ? set : FailureReason.of(ctx.statusCode(), ctx.attribute(ScimResponses.SCIM_TYPE_ATTRIBUTE)));
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
}
