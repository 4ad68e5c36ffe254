package dev.lanyard.provisioning;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8 items 3, 4, 6, 8 and 10: anonymous requests write nothing into an organization's
 * provisioning log; what is stored is bounded and has no secret; a running /Bulk stops when its
 * token is revoked; a token's "last used" moves only where it is valid.
 */
class AnonymousWritesIT {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private long logged(TestApp.Org org) {
        app.flushProvisioningLog();
        return app.count("select count(*) from provisioning_log where org_id = ?::uuid", org.id());
    }

    @Test
    void requests_without_a_valid_token_for_the_organization_write_nothing_into_its_log() {
        TestApp.Org victim = app.newOrg("anon-victim");
        TestApp.Org other = app.newOrg("anon-other");
        Http http = app.http();
        String users = victim.scimPath() + "/Users?filter=" + "x".repeat(3000);
        http.send("GET", users, (String) null, Map.of("User-Agent", "Okta SCIM Client 1.0.0")).expect(401);
        http.send("GET", victim.scimPath() + "/Users/" + java.util.UUID.randomUUID(), (String) null, Map.of()).expect(401);
        http.send("GET", users, "lanyard_scim_not-a-token", Map.of()).expect(401);
        http.send("GET", victim.scimPath() + "/Users", other.token(), (String) null).expect(401);  // another org's token
        http.send("POST", victim.scimPath() + "/Users", "{\"userName\":\"a@example.com\"}", Map.of()).expect(401);
        // HEAD follows GET's rules: no token, no 200.
        assertThat(http.send("HEAD", victim.scimPath() + "/Users", (String) null, Map.of("User-Agent", "Okta")).status()).isEqualTo(401);
        assertThat(http.send("HEAD", victim.scimPath() + "/ServiceProviderConfig", (String) null, Map.of()).status()).isEqualTo(401);
        assertThat(http.send("HEAD", "/admin/api/orgs", (String) null, Map.of()).status()).isEqualTo(401);
        assertThat(http.send("HEAD", victim.scimPath() + "/Users", victim.token(), (String) null).status()).isEqualTo(200);
        assertThat(logged(victim)).isEqualTo(1);  // that last one, the IdP's own
        app.execute("delete from provisioning_log where org_id = ?::uuid", java.util.UUID.fromString(victim.id()));
        app.execute("delete from provisioning_log_usage where org_id = ?::uuid", java.util.UUID.fromString(victim.id()));
        app.execute("delete from provisioning_activity where org_id = ?::uuid", java.util.UUID.fromString(victim.id()));
        assertThat(logged(victim)).isZero();
        assertThat(app.count("select count(*) from provisioning_activity where org_id = ?::uuid", victim.id())).isZero();
        assertThat(app.services().metrics().scrape()).contains("lanyard_scim_unauthenticated_total");
        // The IdP's own requests are still logged.
        http.send("GET", victim.scimPath() + "/Users", victim.token(), (String) null).expect(200);
        assertThat(logged(victim)).isEqualTo(1);
    }

    @Test
    void a_token_in_the_query_string_is_refused_and_secrets_never_reach_the_stored_query() {
        TestApp.Org org = app.newOrg("query-token");
        Http http = app.http();
        Http.Response r = http.send("GET", org.scimPath() + "/Users?access_token=" + org.token(), (String) null, Map.of());
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.body()).doesNotContain(org.token());
        // Even with a valid header, the query form is refused (RFC 6750 §2.3 discourages it).
        http.send("GET", org.scimPath() + "/Users?access_token=" + org.token(), org.token(), (String) null).expect(401);
        // A secret smuggled into another parameter is redacted in what the log keeps, and a long query is cut.
        http.send("GET", org.scimPath() + "/Users?count=1&password=hunter2&x=" + org.token() + "&pad=" + "p".repeat(3000),
                org.token(), (String) null).expect(200);
        app.flushProvisioningLog();
        String stored = app.services().provisioningLog().list(java.util.UUID.fromString(org.id()),
                new dev.lanyard.audit.ProvisioningLog.Query(dev.lanyard.audit.ProvisioningLog.Outcome.ALL,
                        java.util.Optional.empty(), java.util.Optional.empty(), java.util.Optional.empty(), 10))
                .getFirst().entry().query().orElseThrow();
        assertThat(stored).doesNotContain(org.token()).doesNotContain("hunter2").contains("password=[redacted]");
        assertThat(stored.length()).isLessThanOrEqualTo(dev.lanyard.audit.Redaction.MAX_QUERY + 1);
        assertThat(logged(org)).isEqualTo(1);
    }

    @Test
    void a_big_refused_body_is_stored_as_a_bounded_excerpt_with_its_full_size() {
        TestApp.Org org = app.newOrg("big-body");
        StringBuilder filler = new StringBuilder();
        Random random = new Random(4);
        for (int i = 0; i < 500_000; i++) filler.append((char) ('a' + random.nextInt(26)));
        String body = "{\"userName\":\"not-an-email\",\"title\":\"" + filler + "\"}";
        app.http().send("POST", org.scimPath() + "/Users", org.token(), body).expect(400);
        app.flushProvisioningLog();
        long stored = app.count("select octet_length(request_body::text) from provisioning_log where org_id = ?::uuid", org.id());
        assertThat(stored).isLessThan(dev.lanyard.audit.Redaction.MAX_BODY + 200);
        assertThat(app.count("select (request_body->>'bytes')::bigint from provisioning_log where org_id = ?::uuid", org.id()))
                .isEqualTo(body.length());
        assertThat(app.count("select count(*) from provisioning_log where org_id = ?::uuid and (request_body->>'truncated')::boolean",
                org.id())).isEqualTo(1);
    }

    @Test
    void last_used_changes_only_when_the_token_is_used_at_its_own_organizations_url() {
        TestApp.Org a = app.newOrg("last-used-a");
        TestApp.Org b = app.newOrg("last-used-b");
        app.http().send("GET", b.scimPath() + "/Users", a.token(), (String) null).expect(401);
        assertThat(app.count("select count(*) from provisioning_tokens where id = ?::uuid and last_used_at is not null", a.tokenId()))
                .isZero();
        app.http().send("GET", a.scimPath() + "/Users", a.token(), (String) null).expect(200);
        assertThat(app.count("select count(*) from provisioning_tokens where id = ?::uuid and last_used_at is not null", a.tokenId()))
                .isEqualTo(1);
    }

    @Test
    void a_running_bulk_stops_applying_operations_once_its_token_is_revoked() throws Exception {
        TestApp.Org org = app.newOrg("bulk-revoke");
        StringBuilder ops = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            ops.append(i == 0 ? "" : ",").append("{\"method\":\"POST\",\"path\":\"/Users\",\"bulkId\":\"b").append(i)
                    .append("\",\"data\":{\"userName\":\"bulk").append(i).append("@example.com\"}}");
        }
        String bulk = "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:BulkRequest\"],\"Operations\":[" + ops + "]}";
        CompletableFuture<Http.Response> running = CompletableFuture.supplyAsync(
                () -> app.http().send("POST", org.scimPath() + "/Bulk", org.token(), bulk));
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id()) < 5 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        app.http().send("DELETE", "/admin/api/orgs/" + org.id() + "/tokens/" + org.tokenId(), app.operatorToken(), (String) null)
                .expect(204);
        Http.Response answer = running.get();
        answer.expect(200);
        long created = app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id());
        assertThat(created).isLessThan(1000);
        var results = answer.json().get("Operations");
        assertThat(results.get(results.size() - 1).get("status").asText()).isEqualTo("401");
        Thread.sleep(200);
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id())).isEqualTo(created);
    }
}
