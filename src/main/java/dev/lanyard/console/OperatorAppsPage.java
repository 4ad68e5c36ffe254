package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The operator's apps (console/operator_app*.jte): registered OpenID Connect clients, the form
 * that registers or changes one, its secrets, and a new secret shown once.
 */
public record OperatorAppsPage(ConsoleSession session, List<Row> apps, Form form, Optional<String> error, Optional<String> notice) {

    /** An app as the pages show it; {@code organizations} by name, empty when every organization may use it. */
    public record Row(String id, String clientId, String name, List<String> redirectUris, boolean publicClient,
                      boolean allOrganizations, List<String> organizations, Instant createdAt) {}

    /** The register / change form as typed: one redirect URI, one organization a line (none: all). */
    public record Form(String name, String redirectUris, boolean publicClient, String organizations) {
        static Form empty() {
            return new Form("", "", false, "");
        }
    }

    /** One client secret: never its value, only when it was made and revoked. */
    public record Secret(String id, Instant createdAt, Optional<Instant> revokedAt) {}

    /** One app: its settings form, its secrets, and the issuer apps are pointed at. */
    public record Detail(ConsoleSession session, Row app, Form form, List<Secret> secrets, Optional<String> error,
                         Optional<String> notice, String issuer) {}

    /** A secret just made (at registration or for rotation), once; empty when the page is opened again. */
    public record NewSecret(ConsoleSession session, Row app, boolean registered, Optional<String> secret) {}
}
