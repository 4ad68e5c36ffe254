package dev.lanyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Optional;

/**
 * {@code lanyard webhook ...}: an app's webhook endpoints for an organization (README "Webhooks"),
 * thin calls of /admin/api/orgs/{org}/webhooks.
 */
@Command(name = "webhook", description = "Webhook endpoints: where an app receives an organization's directory events.",
        subcommands = {WebhookCommand.Create.class, WebhookCommand.ListEndpoints.class, WebhookCommand.Pause.class,
                WebhookCommand.Resume.class, WebhookCommand.RotateSecret.class, WebhookCommand.Delete.class,
                WebhookCommand.Deliveries.class, WebhookCommand.Redeliver.class})
final class WebhookCommand {
    private WebhookCommand() {}

    static String path(String org) {
        return "/orgs/" + AdminClient.segment(org) + "/webhooks";
    }

    @Command(name = "create", description = "Add an endpoint; its signing secret is shown only this once.")
    static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "The organization (name or id).")
        String org;

        @Option(names = "--app", required = true, paramLabel = "APP", description = "The app (client id) that receives the events.")
        String app;

        @Option(names = "--url", required = true, paramLabel = "URL", description = "https:// URL the events are POSTed to.")
        String url;

        Create(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            ObjectNode body = AdminClient.JSON.createObjectNode().put("app", app).put("url", url);
            JsonNode e = admin.call("POST", path(org), Optional.of(body));
            out.println("Endpoint: " + e.get("id").asText());
            out.println("Secret:   " + e.get("secret").asText());
            out.println("The secret is shown only once: the app verifies webhook-signature with it (README \"Webhooks\").");
        }
    }

    @Command(name = "list", description = "The organization's endpoints, their state and failures.")
    static final class ListEndpoints extends ClientCommand {
        @Parameters(paramLabel = "ORG")
        String org;

        ListEndpoints(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            Table table = new Table("ID", "APP", "URL", "STATUS", "FAILURES", "LAST SUCCESS");
            for (JsonNode e : admin.call("GET", path(org), Optional.empty()).get("webhooks")) {
                table.row(e.get("id").asText(), e.get("app").get("clientId").asText(), e.get("url").asText(), e.get("status").asText(),
                        e.get("consecutiveFailures").asText(), e.get("lastSuccessAt").isNull() ? "-" : e.get("lastSuccessAt").asText());
            }
            table.print(out);
        }
    }

    /** Commands naming one endpoint. */
    abstract static class OneEndpoint extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG")
        String org;

        @Parameters(index = "1", paramLabel = "ENDPOINT_ID")
        String id;

        OneEndpoint(CliContext context) {
            super(context);
        }

        String endpoint() {
            return path(org) + "/" + AdminClient.segment(id);
        }
    }

    @Command(name = "pause", description = "Stop sending to an endpoint; events wait until it is resumed.")
    static final class Pause extends OneEndpoint {
        Pause(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            admin.call("PATCH", endpoint(), Optional.of(AdminClient.JSON.createObjectNode().put("paused", true)));
            out.println("Paused.");
        }
    }

    @Command(name = "resume", description = "Send to a paused endpoint again, starting with what waited.")
    static final class Resume extends OneEndpoint {
        Resume(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            admin.call("PATCH", endpoint(), Optional.of(AdminClient.JSON.createObjectNode().put("paused", false)));
            out.println("Resumed.");
        }
    }

    @Command(name = "rotate-secret", description = "Replace the endpoint's signing secret (shown only once).")
    static final class RotateSecret extends OneEndpoint {
        RotateSecret(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            out.println("Secret: " + admin.call("POST", endpoint() + "/secret", Optional.empty()).get("secret").asText());
        }
    }

    @Command(name = "delete", description = "Delete an endpoint and its delivery log.")
    static final class Delete extends OneEndpoint {
        Delete(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            admin.call("DELETE", endpoint(), Optional.empty());
            out.println("Deleted.");
        }
    }

    @Command(name = "deliveries", description = "The delivery log, 50 newest first.")
    static final class Deliveries extends OneEndpoint {
        @Option(names = "--state", paramLabel = "STATE", description = "pending, succeeded or dead.")
        Optional<String> state = Optional.empty();

        Deliveries(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            Table table = new Table("DELIVERY", "EVENT", "TYPE", "STATE", "ATTEMPTS", "STATUS", "MS", "ERROR");
            String query = state.map(s -> "?state=" + AdminClient.segment(s)).orElse("");
            for (JsonNode d : admin.call("GET", endpoint() + "/deliveries" + query, Optional.empty()).get("deliveries")) {
                table.row(d.get("id").asText(), d.get("eventId").asText(), d.get("eventType").asText(), d.get("state").asText(),
                        d.get("attempts").asText(), d.get("lastStatus").isNull() ? "-" : d.get("lastStatus").asText(),
                        d.get("lastLatencyMs").isNull() ? "-" : d.get("lastLatencyMs").asText(),
                        d.get("lastError").isNull() ? "" : d.get("lastError").asText());
            }
            table.print(out);
        }
    }

    @Command(name = "redeliver", description = "Send a delivery again (same webhook-id).")
    static final class Redeliver extends OneEndpoint {
        @Parameters(index = "2", paramLabel = "DELIVERY_ID")
        String delivery;

        Redeliver(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            admin.call("POST", endpoint() + "/deliveries/" + AdminClient.segment(delivery) + "/redeliver", Optional.empty());
            out.println("Queued for delivery.");
        }
    }
}
