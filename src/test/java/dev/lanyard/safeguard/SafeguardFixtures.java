package dev.lanyard.safeguard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.TestApp;

import java.util.ArrayList;
import java.util.List;

/** What the safeguard's ITs set up over HTTP, on the app each test class started. */
final class SafeguardFixtures {
    private SafeguardFixtures() {}

    /** {@code n} active users created by Okta; their SCIM ids. */
    static List<String> users(TestApp app, TestApp.Org org, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(app.scim(org, SafeguardIT.OKTA, "POST", "/Users", "{\"userName\":\"user" + i + "@example.com\",\"active\":true}")
                    .expect(201).json().get("id").asText());
        }
        return ids;
    }

    static JsonNode settings(TestApp app, TestApp.Org org, String body) {
        return app.http().send("PUT", "/admin/api/orgs/" + org.id() + "/safeguard", app.operatorToken(), body).expect(200).json();
    }

    static JsonNode state(TestApp app, TestApp.Org org) {
        return app.http().send("GET", "/admin/api/orgs/" + org.id() + "/safeguard", app.operatorToken(), (String) null).expect(200).json();
    }
}
