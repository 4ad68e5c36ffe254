package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
import dev.lanyard.webhook.WebhookDelivery;
import dev.lanyard.webhook.WebhookEndpoint;
import dev.lanyard.webhook.WebhookService;

import java.util.List;
import java.util.Optional;

/** Webhooks (console/webhooks*.jte): the organization's endpoints, one endpoint's delivery log, one delivery. */
public record WebhooksPage(ConsoleSession session, List<WebhookEndpoint> endpoints, List<App> apps, Optional<String> notice,
                           Optional<String> error, String url) {
    /** An app the organization may add an endpoint for. */
    public record App(String clientId, String name) {}

    /** A new endpoint and its secret, shown this once. */
    public record Created(ConsoleSession session, WebhookEndpoint endpoint, String secret) {}

    /** One endpoint and a page of its delivery log. */
    public record Endpoint(ConsoleSession session, WebhookEndpoint endpoint, List<WebhookDelivery> deliveries, String state,
                           Optional<String> nextPage, Optional<String> notice) {
        public static final List<List<String>> STATES = List.of(List.of("", "Any"), List.of("pending", "Pending"),
                List.of("succeeded", "Succeeded"), List.of("dead", "Dead-lettered"));
    }

    /** One delivery: every attempt and the body. */
    public record Delivery(ConsoleSession session, WebhookEndpoint endpoint, WebhookService.Detail detail, String shownPayload) {}

    /** What a delivery's state reads as. */
    public static String stateText(WebhookDelivery d) {
        if (d.inFlight()) return "Sending";
        return switch (d.state()) {
            case PENDING -> d.attempts() == 0 ? "Waiting" : "Retrying";
            case SUCCEEDED -> "Succeeded";
            case DEAD -> "Dead-lettered";
        };
    }
}
