package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;
/** The landing page after sign-in (console/home.jte): the organization and its settings; paused webhook endpoints in a banner. */
public record HomePage(ConsoleSession session, java.util.List<dev.lanyard.webhook.WebhookEndpoint> pausedWebhooks) {}
