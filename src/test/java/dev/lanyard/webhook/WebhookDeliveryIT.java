package dev.lanyard.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.Replay;
import dev.lanyard.testing.TestApp;
import dev.lanyard.testing.WebhookReceiver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Webhooks end to end: a test app (a JDK HttpServer on 127.0.0.1, allowed by the operator's
 * setting) receives the events of a recorded Okta sequence, in order per subject, signed; a
 * failing event is retried with backoff, holds its account's later events back, and is
 * dead-lettered when its retry period (3 s here, 3 days in a server) ends.
 */
class WebhookDeliveryIT {
    static final WebhookOptions OPTIONS = new WebhookOptions(true, Duration.ofMillis(200), Duration.ofMillis(800), Duration.ofSeconds(3),
            Duration.ofDays(1), 1000, Duration.ofSeconds(15), Duration.ofMillis(100), 64, 4, 8);
    static final TestApp app = TestApp.start(OPTIONS);
    static final WebhookReceiver receiver = new WebhookReceiver();
    static final Map<String, String> OKTA = Map.of("User-Agent", "Okta SCIM Client 1.0.0", "Accept", "application/scim+json");

    @AfterAll
    static void stop() {
        receiver.close();
        app.close();
    }

    @Test
    void every_event_of_an_okta_replay_arrives_once_in_order_per_subject_with_a_valid_signature() {
        TestApp.Org org = app.newOrg("okta-" + UUID.randomUUID());
        String path = "/okta/" + org.id();
        int before = feed(org).size();  // provisioning turned on: before the endpoint existed, so not sent
        endpoint(org, registerApp(), path);

        Replay.play(app, org, "/idp/okta/assign-update-deactivate.json", OKTA);
        Replay.play(app, org, "/idp/okta/push-groups.json", OKTA);

        List<String[]> all = feed(org);
        List<String[]> feed = all.subList(before, all.size());
        assertThat(feed).hasSizeGreaterThan(5);
        List<String> expectedIds = feed.stream().map(e -> e[0]).toList();
        await(() -> receiver.accepted(path).stream().map(WebhookReceiver.Received::id).toList().containsAll(expectedIds),
                Duration.ofSeconds(30), "every event delivered");
        List<WebhookReceiver.Received> got = receiver.accepted(path);
        // Every event after the endpoint was made, each once; a new endpoint's start may take in an event committed
        // just before it (the feed's "now" is conservative: it never skips, docs/events.md), never one of another org.
        assertThat(got).extracting(WebhookReceiver.Received::id).doesNotHaveDuplicates().containsAll(expectedIds)
                .isSubsetOf(all.stream().map(e -> e[0]).toList());
        got = got.stream().filter(r -> expectedIds.contains(r.id())).toList();
        assertThat(got).allMatch(WebhookReceiver.Received::validSignature, "signed with the endpoint's secret");
        assertThat(got).allMatch(r -> r.json().get("id").asText().equals(r.id()), "webhook-id is the event id");
        assertThat(got).allMatch(r -> Math.abs(r.timestamp() - r.at().getEpochSecond()) <= 5, "webhook-timestamp is the sending time");
        // Per subject (an account, a group), the order of the feed.
        Map<String, List<String>> expected = bySubject(feed.stream().map(e -> new String[] {e[2], e[0]}).toList());
        Map<String, List<String>> actual = bySubject(got.stream().map(r -> new String[] {r.subject(), r.id()}).toList());
        assertThat(actual).isEqualTo(expected);
        assertThat(got).extracting(WebhookReceiver.Received::type).contains("account.created", "account.deactivated", "group.created");

        // The delivery log: each succeeded at its first attempt, with a status and a latency.
        JsonNode log = app.http().send("GET", webhooks(org) + "/" + endpointId(org) + "/deliveries", app.operatorToken(), (String) null)
                .expect(200).json().get("deliveries");
        assertThat(log).isNotEmpty().allSatisfy(d -> {
            assertThat(d.get("state").asText()).isEqualTo("succeeded");
            assertThat(d.get("attempts").asInt()).isEqualTo(1);
            assertThat(d.get("lastStatus").asInt()).isEqualTo(204);
            assertThat(d.get("lastLatencyMs").isNumber()).isTrue();
        });
    }

    @Test
    void a_failing_delivery_is_retried_with_backoff_until_the_endpoint_takes_it() {
        TestApp.Org org = app.newOrg("retry-" + UUID.randomUUID());
        String path = "/retry/" + org.id();
        endpoint(org, registerApp(), path);
        receiver.answer = failing(path, r -> receiver.received(path).stream().filter(x -> x.id().equals(r.id())).count() <= 2);
        createUser(org, "ann@retry.example");

        await(() -> receiver.accepted(path).size() == 1, Duration.ofSeconds(15), "accepted at the third attempt");
        List<WebhookReceiver.Received> tries = receiver.received(path);
        assertThat(tries).hasSize(3).extracting(WebhookReceiver.Received::id).containsOnly(tries.getFirst().id());
        // Full jitter: each wait is at most its ceiling (200 ms, then 400 ms) plus a poll interval and slack.
        assertThat(Duration.between(tries.get(0).at(), tries.get(1).at())).isLessThan(Duration.ofMillis(200 + 1500));
        assertThat(Duration.between(tries.get(1).at(), tries.get(2).at())).isLessThan(Duration.ofMillis(400 + 1500));

        JsonNode delivery = onlyDelivery(org);
        assertThat(delivery.get("state").asText()).isEqualTo("succeeded");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("attempts")).isNotNull();
        JsonNode attempts = app.http().send("GET", webhooks(org) + "/" + endpointId(org) + "/deliveries/" + delivery.get("id").asText(),
                app.operatorToken(), (String) null).expect(200).json().get("attempts");
        assertThat(attempts).extracting(a -> a.get("status").asInt()).containsExactly(500, 500, 204);
        assertThat(attempts.get(0).get("responseExcerpt").asText()).contains(tries.getFirst().id());
    }

    @Test
    void an_accounts_next_event_waits_until_the_failing_one_is_dead_lettered_and_other_accounts_go_on() {
        TestApp.Org org = app.newOrg("order-" + UUID.randomUUID());
        String path = "/order/" + org.id();
        endpoint(org, registerApp(), path);
        receiver.answer = failing(path, r -> r.type().equals("account.created") && r.body().contains("stuck@order.example"));
        String stuck = createUser(org, "stuck@order.example");
        await(() -> !receiver.received(path).isEmpty(), Duration.ofSeconds(10), "the first attempt");
        app.scim(org, "Okta SCIM Client 1.0.0", "PATCH", "/Users/" + stuck, "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],"
                + "\"Operations\":[{\"op\":\"replace\",\"value\":{\"active\":false}}]}").expect(200);
        createUser(org, "free@order.example");

        // Another account's event is not held back by the failing one.
        await(() -> receiver.accepted(path).stream().anyMatch(r -> r.body().contains("free@order.example")), Duration.ofSeconds(10), "other account");
        assertThat(receiver.received(path)).noneMatch(r -> r.type().equals("account.deactivated"));

        // After 3 s of retries the created event is dead-lettered; only then the deactivation goes.
        await(() -> receiver.accepted(path).stream().anyMatch(r -> r.type().equals("account.deactivated")), Duration.ofSeconds(15), "next event");
        Instant lastTryOfCreated = receiver.received(path).stream().filter(r -> r.type().equals("account.created") && r.body().contains("stuck@"))
                .map(WebhookReceiver.Received::at).max(Instant::compareTo).orElseThrow();
        Instant deactivated = receiver.received(path).stream().filter(r -> r.type().equals("account.deactivated"))
                .map(WebhookReceiver.Received::at).findFirst().orElseThrow();
        assertThat(deactivated).isAfter(lastTryOfCreated);
        JsonNode dead = app.http().send("GET", webhooks(org) + "/" + endpointId(org) + "/deliveries?state=dead", app.operatorToken(), (String) null)
                .expect(200).json().get("deliveries");
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).get("eventType").asText()).isEqualTo("account.created");
        assertThat(dead.get(0).get("attempts").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(dead.get(0).get("lastStatus").asInt()).isEqualTo(500);

        // Redelivered by the operator: the same webhook-id, accepted now.
        receiver.answer = r -> WebhookReceiver.Answer.ok();
        String deadEvent = dead.get(0).get("eventId").asText();
        app.http().send("POST", webhooks(org) + "/" + endpointId(org) + "/deliveries/" + dead.get(0).get("id").asText() + "/redeliver",
                app.operatorToken(), "{}").expect(200);
        await(() -> receiver.accepted(path).stream().anyMatch(r -> r.id().equals(deadEvent)), Duration.ofSeconds(10), "redelivered");
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and action = 'webhook.redelivered'", org.id())).isEqualTo(1);
    }

    @Test
    void one_organizations_slow_endpoint_does_not_delay_another_organizations_deliveries() {
        TestApp.Org slow = app.newOrg("slow-" + UUID.randomUUID());
        TestApp.Org quick = app.newOrg("quick-" + UUID.randomUUID());
        String slowPath = "/slow/" + slow.id();
        String quickPath = "/quick/" + quick.id();
        String appId = registerApp();
        endpoint(slow, appId, slowPath);
        endpoint(quick, appId, quickPath);
        receiver.answer = r -> r.path().equals(slowPath) ? new WebhookReceiver.Answer(204, 4000) : WebhookReceiver.Answer.ok();
        for (int i = 0; i < 12; i++) createUser(slow, "s" + i + "@slow.example");
        await(() -> receiver.received(slowPath).size() >= 4, Duration.ofSeconds(10), "the slow endpoint is busy");
        Instant start = Instant.now();
        createUser(quick, "q@quick.example");
        try {
            await(() -> receiver.accepted(quickPath).size() == 1, Duration.ofSeconds(10), "the quick endpoint's event");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; deliveries " + app.queryString("select string_agg(event_type || ':' || state || ':' "
                    + "|| attempts || ':' || coalesce(last_error, '') || ':' || coalesce(lease_until::text, '-'), ', ') "
                    + "from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id where e.org_id = ?::uuid", quick.id())
                    + "; endpoint " + app.queryString("select status || ' ' || feed_cursor from webhook_endpoints where org_id = ?::uuid", quick.id())
                    + "; slow received " + receiver.received(slowPath).size());
        }
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(3));
        // The slow one never had more than its 4 places at once.
        assertThat(app.count("select count(*) from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id "
                + "where e.org_id = ?::uuid and d.lease_until > now()", slow.id())).isLessThanOrEqualTo(4);
        receiver.answer = r -> WebhookReceiver.Answer.ok();
    }

    @Test
    void an_app_turned_off_or_no_longer_allowed_for_an_organization_gets_nothing_from_it_until_it_may_read_it_again() {
        TestApp.Org off = app.newOrg("off-" + UUID.randomUUID());
        TestApp.Org other = app.newOrg("other-" + UUID.randomUUID());
        String offPath = "/off/" + off.id();
        String otherPath = "/other/" + other.id();
        String appId = registerApp();
        endpoint(off, appId, offPath);
        endpoint(other, appId, otherPath);

        // A delivery under retry when the organization's admin turns the app off: held, not sent, not dead-lettered.
        receiver.answer = failing(offPath, r -> true);
        createUser(off, "held@off.example");
        await(() -> receiver.received(offPath).stream().anyMatch(r -> r.body().contains("held@off.example")), Duration.ofSeconds(10),
                "the first, failing attempt");
        enabled(off, appId, false);
        sleep(300);  // an attempt claimed just before the switch may still be under way
        int triedBefore = receiver.received(offPath).size();
        createUser(off, "later@off.example");
        createUser(other, "free@other.example");
        await(() -> users(otherPath).size() == 1, Duration.ofSeconds(10), "the other organization's event");
        sleep(3500);  // past the 3 s retry period and many poll intervals (100 ms)
        assertThat(receiver.received(offPath)).hasSize(triedBefore);
        assertThat(app.queryString("select string_agg(state, ',') from webhook_deliveries d join webhook_endpoints e "
                + "on e.id = d.endpoint_id where e.org_id = ?::uuid and d.event_type = 'account.created'", off.id())).isEqualTo("pending");  // the later event waits in the feed
        // No new endpoint either, as the Directory API answers 404.
        assertThat(app.http().send("POST", webhooks(off), app.operatorToken(), "{\"app\":\"" + appId + "\",\"url\":\""
                + receiver.url(offPath + "/2") + "\"}").expect(400).body()).contains("may not read this organization");

        // Turned on again: what was held arrives, nothing lost, each once.
        receiver.answer = r -> WebhookReceiver.Answer.ok();
        enabled(off, appId, true);
        await(() -> users(offPath).size() == 2, Duration.ofSeconds(10), "the held events");
        // Two accounts: no order between them (the order rule is per account).
        assertThat(users(offPath)).extracting(r -> r.json().get("data").get("email").asText())
                .containsExactlyInAnyOrder("held@off.example", "later@off.example");
        assertThat(users(offPath)).allMatch(WebhookReceiver.Received::validSignature);

        // The operator no longer allows the app for the organization: the same hold, lifted when allowed again.
        app.http().send("PATCH", "/admin/api/apps/" + appId, app.operatorToken(), "{\"organizations\":[\"" + other.id() + "\"]}").expect(200);
        createUser(off, "removed@off.example");
        createUser(other, "still@other.example");
        await(() -> users(otherPath).size() == 2, Duration.ofSeconds(10), "the allowed organization's event");
        sleep(1000);
        assertThat(receiver.received(offPath)).noneMatch(r -> r.body().contains("removed@off.example"));
        app.http().send("PATCH", "/admin/api/apps/" + appId, app.operatorToken(), "{\"organizations\":null}").expect(200);
        await(() -> receiver.accepted(offPath).stream().anyMatch(r -> r.body().contains("removed@off.example")), Duration.ofSeconds(10),
                "the event held while not allowed");

        // The app deleted: its endpoints and their deliveries go with it.
        app.http().send("DELETE", "/admin/api/apps/" + appId, app.operatorToken(), (String) null).expect(204);
        assertThat(app.http().send("GET", webhooks(off), app.operatorToken(), (String) null).expect(200).json().get("webhooks")).isEmpty();
    }

    // --- helpers ---

    /** The account.created events an endpoint accepted, in arrival order. */
    static List<WebhookReceiver.Received> users(String path) {
        return receiver.accepted(path).stream().filter(r -> r.type().equals("account.created")).toList();
    }

    static void enabled(TestApp.Org org, String clientId, boolean on) {
        app.http().send("PUT", "/admin/api/orgs/" + org.id() + "/apps/" + clientId, app.operatorToken(), "{\"enabled\":" + on + "}").expect(204);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static java.util.function.Function<WebhookReceiver.Received, WebhookReceiver.Answer> failing(
            String path, java.util.function.Predicate<WebhookReceiver.Received> fail) {
        return r -> r.path().equals(path) && fail.test(r) ? new WebhookReceiver.Answer(500, 0) : WebhookReceiver.Answer.ok();
    }

    static String registerApp() {
        return app.http().send("POST", "/admin/api/apps", app.operatorToken(),
                "{\"name\":\"Receiver " + UUID.randomUUID() + "\",\"redirectUris\":[\"https://app.example/cb\"]}").expect(201).json()
                .get("clientId").asText();
    }

    static void endpoint(TestApp.Org org, String clientId, String path) {
        JsonNode created = app.http().send("POST", webhooks(org), app.operatorToken(),
                "{\"app\":\"" + clientId + "\",\"url\":\"" + receiver.url(path) + "\"}").expect(201).json();
        assertThat(created.get("secret").asText()).startsWith("whsec_");
        receiver.secrets.put(path, created.get("secret").asText());
        assertThat(app.http().send("GET", webhooks(org), app.operatorToken(), (String) null).expect(200).body()).doesNotContain(
                created.get("secret").asText());
    }

    static String endpointId(TestApp.Org org) {
        return app.http().send("GET", webhooks(org), app.operatorToken(), (String) null).expect(200).json().get("webhooks").get(0)
                .get("id").asText();
    }

    static JsonNode onlyDelivery(TestApp.Org org) {
        JsonNode list = app.http().send("GET", webhooks(org) + "/" + endpointId(org) + "/deliveries", app.operatorToken(), (String) null)
                .expect(200).json().get("deliveries");
        assertThat(list).hasSize(1);
        return list.get(0);
    }

    static String webhooks(TestApp.Org org) {
        return "/admin/api/orgs/" + org.id() + "/webhooks";
    }

    static String createUser(TestApp.Org org, String email) {
        Http.Response r = app.scim(org, "Okta SCIM Client 1.0.0", "POST", "/Users",
                "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + email + "\",\"active\":true}");
        return r.expect(201).json().get("id").asText();
    }

    /** The organization's events in feed order: id, type, subject. */
    static List<String[]> feed(TestApp.Org org) {
        List<String[]> out = new ArrayList<>();
        long n = app.count("select count(*) from directory_events where org_id = ?::uuid", org.id());
        for (int i = 0; i < n; i++) {
            String row = app.queryString("select id::text || ' ' || type || ' ' || subject_id::text from directory_events "
                    + "where org_id = ?::uuid order by xid, seq offset ?", org.id(), i);
            out.add(row.split(" "));
        }
        return out;
    }

    static Map<String, List<String>> bySubject(List<String[]> subjectAndId) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (String[] e : subjectAndId) m.computeIfAbsent(e[0], k -> new ArrayList<>()).add(e[1]);
        return m;
    }

    static void await(BooleanSupplier condition, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) throw new AssertionError("timed out waiting for: " + what + "; deliveries: " + app.queryString(
                    "select string_agg(e.org_id || ' ' || event_type || ':' || state || ':' || attempts || ':' || coalesce(last_error, '') || ':' "
                    + "|| coalesce((lease_until > now())::text, '-') || ':' || (next_attempt_at - now())::text, E'\n') from webhook_deliveries d "
                    + "join webhook_endpoints e on e.id = d.endpoint_id") + "; received " + receiver.received.size());
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
