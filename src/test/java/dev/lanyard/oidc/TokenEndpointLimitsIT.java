package dev.lanyard.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13: the token endpoint is rate-limited per source address (before anything is read) and
 * per authenticated client; over either, 429 with an integer Retry-After and an RFC 6749 §5.2 error
 * body ({@code invalid_request}, see OidcRoutes.admit for why not {@code slow_down}).
 */
class TokenEndpointLimitsIT {
    static TestApp app;
    static String relaxed;

    @BeforeAll
    static void start() {
        relaxed = System.clearProperty("lanyard.limits.relaxed");
        // Both limits lowered to what a slow test machine surely exceeds, the client's below the address's.
        System.setProperty("lanyard.oidc.tokenPerAddressPerSecond", "1");
        System.setProperty("lanyard.oidc.tokenPerAddressBurst", "100");
        System.setProperty("lanyard.oidc.tokenPerClientPerSecond", "1");
        System.setProperty("lanyard.oidc.tokenPerClientBurst", "50");
        app = TestApp.start();
    }

    @AfterAll
    static void stop() {
        app.close();
        System.clearProperty("lanyard.oidc.tokenPerAddressPerSecond");
        System.clearProperty("lanyard.oidc.tokenPerAddressBurst");
        System.clearProperty("lanyard.oidc.tokenPerClientPerSecond");
        System.clearProperty("lanyard.oidc.tokenPerClientBurst");
        if (relaxed != null) System.setProperty("lanyard.limits.relaxed", relaxed);
    }

    @Test
    void a_client_over_its_rate_and_then_an_address_over_its_rate_get_429_with_an_oauth_error() throws Exception {
        var f = new OidcFixture(app, "limits");
        JsonNode registered = f.confidentialApp();
        String basic = "Basic " + Base64.getEncoder().encodeToString((registered.get("clientId").asText() + ":"
                + registered.get("clientSecret").asText()).getBytes(StandardCharsets.UTF_8));
        String form = "grant_type=authorization_code&code=not-a-code&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback";
        List<Http.Response> answers = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(16);
        for (int i = 0; i < 160; i++) {
            pool.submit(() -> answers.add(app.http().send("POST", "/oauth2/token", form,
                    Map.of("Authorization", basic, "Content-Type", "application/x-www-form-urlencoded"))));
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();

        List<String> limited = new ArrayList<>();
        for (Http.Response r : answers) {
            if (r.status() == 400) {
                assertThat(r.json().get("error").asText()).isEqualTo("invalid_grant");
                continue;
            }
            assertThat(r.status()).as(r.toString()).isEqualTo(429);
            assertThat(r.header("Retry-After")).matches("[1-9]\\d*");
            assertThat(r.header("Content-Type")).startsWith("application/json");
            assertThat(r.json().get("error").asText()).isEqualTo("invalid_request");
            limited.add(r.json().get("error_description").asText());
        }
        assertThat(limited).as("the client's limit").anyMatch(d -> d.contains("from this client"));
        assertThat(limited).as("the address's limit").anyMatch(d -> d.contains("from this address"));
        long passed = answers.stream().filter(r -> r.status() == 400).count();
        assertThat(passed).as("the client's burst of 50, and what refilled meanwhile").isBetween(50L, 90L);
    }
}
