package dev.lanyard.http;

import java.util.Locale;

/** Names the SCIM client from its User-Agent, for logs: "okta", "entra", or the agent itself, shortened. */
public final class Clients {
    private Clients() {}

    public static String name(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) return "-";
        String ua = userAgent.toLowerCase(Locale.ROOT);
        if (ua.contains("okta")) return "okta";
        // Entra ID's provisioning service; its agent string has carried both names over the years.
        if (ua.contains("azure") || ua.contains("microsoft") || ua.contains("entra")) return "entra";
        if (ua.contains("onelogin")) return "onelogin";
        if (ua.contains("jumpcloud")) return "jumpcloud";
        String cleaned = userAgent.replaceAll("[^\\x21-\\x7e]", "_");  // no spaces or control bytes in a log field
        return cleaned.length() <= 40 ? cleaned : cleaned.substring(0, 40);
    }
}
