package dev.lanyard.safeguard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mass-deprovisioning safeguard over real HTTP and PostgreSQL: an IdP deactivating user after
 * user is stopped at the threshold exactly, every way of taking access away is held while it is
 * tripped, the held changes are listed and released or rejected through the operator's API, other
 * organizations go on, and the off switch lets everything through.
 */
class SafeguardIT {
    static final TestApp app = TestApp.start();
    static final String OKTA = "Okta SCIM Client 1.0.0";
    static final String ENTRA = "Azure Active Directory SCIM Client";
    static final String OKTA_DEACTIVATE = """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"replace","value":{"active":false}}]}""";
    // Entra sends the boolean as the string "False" (docs/idp-behaviour.md).
    static final String ENTRA_DEACTIVATE = """
            {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
             "Operations":[{"op":"Replace","path":"active","value":"False"}]}""";

    @AfterAll
    static void stop() {
        app.close();
    }

    /**
     * Property: for thresholds drawn from a seeded Random, the r-th removal within the window is
     * held exactly when r is more than maxCount, or r is 10 or more and more than maxPercent % of the
     * active accounts; every earlier one applies.
     */
    @Test
    void a_mass_deactivation_is_stopped_at_the_threshold_exactly() {
        Random random = new Random(20261203L);
        for (int trial = 0; trial < 4; trial++) {
            int active = 12 + random.nextInt(30);
            boolean countRule = trial % 2 == 1;
            int percent = countRule ? 100 : 5 + random.nextInt(46);
            int maxCount = countRule ? 1 + random.nextInt(active - 1) : 500;
            TestApp.Org org = app.newOrg("mass-" + trial + "-" + UUID.randomUUID());
            settings(org, "{\"maxPercent\":" + percent + ",\"maxCount\":" + maxCount + "}");
            List<String> ids = users(org, active);

            int expected = 0;
            while (!SafeguardSettingsTest.held(expected + 1, active, percent, maxCount)) expected++;
            String why = "trial " + trial + ": " + active + " active, " + percent + " %, max " + maxCount;

            int applied = 0;
            Http.Response refused = null;
            for (String id : ids) {
                Http.Response r = random.nextBoolean() ? app.scim(org, OKTA, "PATCH", "/Users/" + id, OKTA_DEACTIVATE)
                        : app.scim(org, ENTRA, "PATCH", "/Users/" + id, ENTRA_DEACTIVATE);
                if (r.status() != 200) {
                    refused = r;
                    break;
                }
                assertThat(r.json().get("active").asBoolean()).isFalse();
                applied++;
            }
            assertThat(applied).as(why).isEqualTo(expected);
            assertThat(refused).as(why).isNotNull();
            assertHeld(refused);
            assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid and status = 'active'", org.id()))
                    .as(why).isEqualTo(active - expected);
            JsonNode state = state(org);
            assertThat(state.get("tripped").asBoolean()).isTrue();
            assertThat(state.get("held").asLong()).isEqualTo(1);
            assertThat(state.get("tripReason").asText()).contains(String.valueOf(expected + 1));
        }
    }

    /** Concurrent removals cannot pass the threshold together: the organization's lock decides, one at a time. */
    @Test
    void concurrent_deactivations_pass_exactly_max_count_and_hold_the_rest() throws Exception {
        TestApp.Org org = app.newOrg("race-" + UUID.randomUUID());
        settings(org, "{\"maxCount\":10,\"maxPercent\":100}");
        List<String> ids = users(org, 40);
        List<java.util.concurrent.Future<Integer>> answers = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(8)) {
            for (String id : ids) {
                answers.add(pool.submit(() -> app.scim(org, OKTA, "PATCH", "/Users/" + id, OKTA_DEACTIVATE).status()));
            }
        }
        List<Integer> statuses = new ArrayList<>();
        for (var a : answers) statuses.add(a.get());
        assertThat(statuses).as(statuses.toString()).filteredOn(st -> st == 200).hasSize(10);
        assertThat(statuses).filteredOn(st -> st == 503).hasSize(30);
        assertThat(app.count("select count(*) from managed_accounts where org_id = ?::uuid and status = 'deactivated'", org.id()))
                .isEqualTo(10);
        assertThat(state(org).get("held").asLong()).isEqualTo(30);
    }

    /** Only removals within the window count: a burst two hours ago is forgotten, one half an hour ago is not. */
    @Test
    void removals_older_than_the_window_do_not_count() {
        TestApp.Org org = app.newOrg("window-" + UUID.randomUUID());
        settings(org, "{\"maxCount\":3,\"windowMinutes\":60}");
        List<String> ids = users(org, 5);
        app.execute("insert into safeguard_removals (org_id, minute, removed) "
                + "values (?::uuid, date_trunc('minute', now()) - interval '2 hours', 100)", org.id());
        app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(0), OKTA_DEACTIVATE).expect(200);
        app.execute("insert into safeguard_removals (org_id, minute, removed) "
                + "values (?::uuid, date_trunc('minute', now()) - interval '30 minutes', 2)", org.id());
        assertHeld(app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(1), OKTA_DEACTIVATE));  // 1 + 2 + this one > 3
    }

    @Test
    void while_tripped_every_way_of_taking_access_away_is_held_and_nothing_else_is() {
        OneAway setup = oneAway("paths-", 8);
        TestApp.Org org = setup.org();
        List<String> ids = setup.ids();

        assertHeld(app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(1), OKTA_DEACTIVATE));
        assertHeld(app.scim(org, ENTRA, "PATCH", "/Users/" + ids.get(2), ENTRA_DEACTIVATE));
        assertHeld(app.scim(org, OKTA, "PUT", "/Users/" + ids.get(3), "{\"userName\":\"user3@example.com\",\"active\":false}"));
        assertHeld(app.scim(org, ENTRA, "DELETE", "/Users/" + ids.get(4), null));
        // Bulk: each operation is held on its own, in the BulkResponse; the request itself is 200.
        JsonNode bulk = app.scim(org, OKTA, "POST", "/Bulk", """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],"Operations":[
                 {"method":"PATCH","path":"/Users/%s","data":%s},
                 {"method":"DELETE","path":"/Users/%s"},
                 {"method":"PATCH","path":"/Users/%s","data":{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                   "Operations":[{"op":"replace","path":"title","value":"Boss"}]}}]}"""
                .formatted(ids.get(5), OKTA_DEACTIVATE, ids.get(6), ids.get(7))).expect(200).json().get("Operations");
        assertThat(bulk.get(0).get("status").asText()).isEqualTo("503");
        assertThat(bulk.get(0).get("response").get("detail").asText()).contains("safeguard");
        assertThat(bulk.get(1).get("status").asText()).isEqualTo("503");
        assertThat(bulk.get(2).get("status").asText()).isEqualTo("200");

        assertThat(app.count("select count(*) from directory_events where org_id = ?::uuid and type in "
                + "('account.deactivated', 'account.disabled')", org.id())).isEqualTo(1);
        // Nothing held was applied: the users are active and linked; other changes go on.
        for (String id : ids.subList(1, 8)) {
            assertThat(app.scim(org, OKTA, "GET", "/Users/" + id, null).expect(200).json().get("active").asBoolean()).isTrue();
        }
        app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(1), """
                {"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                 "Operations":[{"op":"replace","path":"displayName","value":"Still Here"}]}""").expect(200);
        app.scim(org, OKTA, "POST", "/Users", "{\"userName\":\"new@example.com\"}").expect(201);
        String group = app.scim(org, OKTA, "POST", "/Groups", "{\"displayName\":\"Team\",\"members\":[{\"value\":\"" + ids.get(2)
                + "\"}]}").expect(201).json().get("id").asText();
        app.scim(org, OKTA, "DELETE", "/Groups/" + group, null).expect(204);
        // A deactivated user's DELETE is held too while tripped (it unlinks the user from the IdP).
        assertHeld(app.scim(org, OKTA, "DELETE", "/Users/" + ids.get(0), null));

        JsonNode held = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/safeguard/held", app.operatorToken(), (String) null)
                .expect(200).json().get("changes");
        List<String> kinds = new ArrayList<>();
        held.forEach(h -> kinds.add(h.get("kind").asText() + ":" + h.get("scimId").asText()));
        assertThat(kinds).containsExactlyInAnyOrder("deactivate:" + ids.get(1), "deactivate:" + ids.get(2),
                "deactivate:" + ids.get(3), "delete:" + ids.get(4), "deactivate:" + ids.get(5), "delete:" + ids.get(6),
                "delete:" + ids.get(0));
        // No history (hence no event) for a held change.
        assertThat(app.count("select count(*) from account_events e join managed_accounts a on a.id = e.account_id "
                + "where a.org_id = ?::uuid and e.kind in ('deactivated', 'disabled')", org.id())).isEqualTo(1);
    }

    @Test
    void the_idp_retrying_a_held_change_refreshes_it_instead_of_piling_up() {
        OneAway setup = oneAway("retry-", 2);
        TestApp.Org org = setup.org();
        List<String> ids = setup.ids();
        for (int i = 0; i < 3; i++) assertHeld(app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(1), OKTA_DEACTIVATE));
        JsonNode held = heldChanges(org);
        assertThat(held).hasSize(1);
        assertThat(held.get(0).get("requests").asInt()).isEqualTo(3);
        // The provisioning log tells the admin what happened, not "Lanyard failed on its side".
        app.flushProvisioningLog();
        assertThat(app.count("select count(*) from provisioning_log where org_id = ?::uuid and status = 503 "
                + "and reason = 'held_by_safeguard'", org.id())).isEqualTo(3);
    }

    @Test
    void release_applies_what_is_still_current_and_says_which_change_went_stale_reject_discards() {
        OneAway setup = oneAway("release-", 5);
        TestApp.Org org = setup.org();
        List<String> ids = setup.ids();
        assertHeld(app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(1), OKTA_DEACTIVATE));
        assertHeld(app.scim(org, OKTA, "DELETE", "/Users/" + ids.get(2), null));
        assertHeld(app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(3), OKTA_DEACTIVATE));
        assertHeld(app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(4), OKTA_DEACTIVATE));
        // The IdP changes its mind about user 3 (a new profile): the held deactivation is stale now.
        app.scim(org, OKTA, "PUT", "/Users/" + ids.get(3), "{\"userName\":\"user3@example.com\",\"title\":\"Stays\",\"active\":true}")
                .expect(200);
        JsonNode held = heldChanges(org);
        String user4 = heldId(held, ids.get(4));
        assertThat(held.findValues("stale").stream().filter(JsonNode::asBoolean).count()).isEqualTo(1);

        String api = "/admin/api/orgs/" + org.id() + "/safeguard";
        assertThat(app.http().send("POST", api + "/held/" + user4 + "/reject", app.operatorToken(), (String) null).expect(200)
                .json().get("outcome").asText()).isEqualTo("rejected");
        assertThat(app.http().send("POST", api + "/held/" + user4 + "/reject", app.operatorToken(), (String) null).expect(200)
                .json().get("outcome").asText()).isEqualTo("gone");
        JsonNode summary = app.http().send("POST", api + "/release-all", app.operatorToken(), (String) null).expect(200).json();
        assertThat(summary.get("applied").asInt()).isEqualTo(2);
        assertThat(summary.get("stale").asInt()).isEqualTo(1);
        assertThat(summary.get("resumed").asBoolean()).isTrue();

        assertThat(app.scim(org, OKTA, "GET", "/Users/" + ids.get(1), null).expect(200).json().get("active").asBoolean()).isFalse();
        app.scim(org, OKTA, "GET", "/Users/" + ids.get(2), null).expect(404);  // the DELETE applied: disabled and unlinked
        JsonNode stale = app.scim(org, OKTA, "GET", "/Users/" + ids.get(3), null).expect(200).json();
        assertThat(stale.get("active").asBoolean()).isTrue();
        assertThat(stale.get("title").asText()).isEqualTo("Stays");
        assertThat(app.scim(org, OKTA, "GET", "/Users/" + ids.get(4), null).expect(200).json().get("active").asBoolean()).isTrue();
        // The released changes have their history now, written by the IdP's token.
        assertThat(app.count("select count(*) from account_events e join managed_accounts a on a.id = e.account_id "
                + "where a.org_id = ?::uuid and e.kind in ('deactivated', 'disabled') and e.actor = ?", org.id(),
                "scim:token:" + org.tokenId())).isEqualTo(3);
        // ... and their directory events, which a held change never had (apps hear of it when it is released).
        assertThat(app.count("select count(*) from directory_events where org_id = ?::uuid and type in "
                + "('account.deactivated', 'account.disabled')", org.id())).isEqualTo(3);
        // The audit trail: the trip (by Lanyard), each release, the stale one, the rejection, the resume.
        assertThat(audit(org)).containsExactly("provisioning.safeguard_tripped:system", "provisioning.held_change_rejected:operator",
                "provisioning.held_change_released:operator", "provisioning.held_change_released:operator",
                "provisioning.held_change_not_applied:operator", "provisioning.safeguard_resumed:operator");
        JsonNode state = state(org);
        assertThat(state.get("tripped").asBoolean()).isFalse();
        assertThat(state.get("held").asLong()).isZero();
        // Resumed and counted afresh: the next removal is the first of a new window.
        app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(4), OKTA_DEACTIVATE).expect(200);
        assertHeld(app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(3), OKTA_DEACTIVATE));
    }

    @Test
    void another_organization_goes_on_while_one_is_tripped() {
        TestApp.Org tripped = app.newOrg("tripped-" + UUID.randomUUID());
        TestApp.Org other = app.newOrg("other-" + UUID.randomUUID());
        settings(tripped, "{\"maxCount\":1}");
        settings(other, "{\"maxCount\":3}");
        List<String> a = users(tripped, 2);
        List<String> b = users(other, 3);
        app.scim(tripped, OKTA, "PATCH", "/Users/" + a.get(0), OKTA_DEACTIVATE).expect(200);
        assertHeld(app.scim(tripped, OKTA, "PATCH", "/Users/" + a.get(1), OKTA_DEACTIVATE));
        for (String id : b) app.scim(other, OKTA, "PATCH", "/Users/" + id, OKTA_DEACTIVATE).expect(200);
        assertThat(state(other).get("tripped").asBoolean()).isFalse();
        // another organization's held change is not found through this one
        String held = heldChanges(tripped).get(0).get("id").asText();
        assertThat(app.http().send("POST", "/admin/api/orgs/" + other.id() + "/safeguard/held/" + held + "/release",
                app.operatorToken(), (String) null).expect(200).json().get("outcome").asText()).isEqualTo("gone");
        assertThat(state(tripped).get("held").asLong()).isEqualTo(1);
    }

    @Test
    void the_off_switch_lets_every_removal_through_and_ends_a_trip() {
        OneAway setup = oneAway("off-", 4);
        TestApp.Org org = setup.org();
        List<String> ids = setup.ids();
        assertHeld(app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(1), OKTA_DEACTIVATE));
        JsonNode off = settings(org, "{\"enabled\":false}");
        assertThat(off.get("tripped").asBoolean()).isFalse();
        assertThat(off.get("held").asLong()).isEqualTo(1);  // kept for the admin
        for (String id : ids.subList(1, 4)) app.scim(org, OKTA, "PATCH", "/Users/" + id, OKTA_DEACTIVATE).expect(200);
        app.scim(org, OKTA, "DELETE", "/Users/" + ids.get(3), null).expect(204);
    }

    @Test
    void settings_out_of_range_or_unknown_are_refused_and_change_nothing() {
        TestApp.Org org = app.newOrg("bad-" + UUID.randomUUID());
        String api = "/admin/api/orgs/" + org.id() + "/safeguard";
        for (String bad : List.of("{\"maxPercent\":0}", "{\"maxPercent\":101}", "{\"maxCount\":0}", "{\"windowMinutes\":0}",
                "{\"windowMinutes\":10081}", "{\"maxPercent\":\"20\"}", "{\"percent\":20}", "{\"enabled\":\"no\"}")) {
            assertThat(app.http().send("PUT", api, app.operatorToken(), bad).status()).as(bad).isEqualTo(400);
        }
        JsonNode state = state(org);
        assertThat(state.get("enabled").asBoolean()).isTrue();
        assertThat(state.get("maxPercent").asInt()).isEqualTo(20);
        assertThat(state.get("maxCount").asInt()).isEqualTo(500);
        assertThat(state.get("windowMinutes").asInt()).isEqualTo(60);
    }

    /** 503, an integer Retry-After, and a SCIM Error whose detail says why and what the admin does. */
    static void assertHeld(Http.Response r) {
        assertThat(r.status()).as(r.toString()).isEqualTo(503);
        assertThat(r.header("Retry-After")).matches("[1-9][0-9]*");
        assertThat(r.header("Content-Type")).startsWith("application/scim+json");
        JsonNode error = r.json();
        assertThat(error.get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(error.get("status").asText()).isEqualTo("503");
        assertThat(error.get("detail").asText()).contains("mass-deprovisioning safeguard held this change")
                .contains("release or reject").contains("Held changes");
    }

    static List<String> users(TestApp.Org org, int n) {
        return SafeguardFixtures.users(app, org, n);
    }

    /** An organization with maxCount 1 whose first of {@code n} users the IdP just deactivated: the next removal trips it. */
    record OneAway(TestApp.Org org, List<String> ids) {}

    static OneAway oneAway(String prefix, int n) {
        TestApp.Org org = app.newOrg(prefix + UUID.randomUUID());
        settings(org, "{\"maxCount\":1}");
        List<String> ids = users(org, n);
        app.scim(org, OKTA, "PATCH", "/Users/" + ids.get(0), OKTA_DEACTIVATE).expect(200);
        return new OneAway(org, ids);
    }

    static JsonNode settings(TestApp.Org org, String body) {
        return SafeguardFixtures.settings(app, org, body);
    }

    static JsonNode state(TestApp.Org org) {
        return SafeguardFixtures.state(app, org);
    }

    static JsonNode heldChanges(TestApp.Org org) {
        return app.http().send("GET", "/admin/api/orgs/" + org.id() + "/safeguard/held", app.operatorToken(), (String) null)
                .expect(200).json().get("changes");
    }

    /** The organization's safeguard entries of the audit trail, oldest first, as action:actor. */
    static List<String> audit(TestApp.Org org) {
        List<String> out = new ArrayList<>();
        long n = app.count("select count(*) from audit_trail where org_id = ?::uuid "
                + "and action ~ '^provisioning[.](safeguard|held)'", org.id());
        for (long i = 0; i < n; i++) {
            out.add(app.queryString("select action || ':' || actor from audit_trail where org_id = ?::uuid "
                    + "and action ~ '^provisioning[.](safeguard|held)' order by id offset ? limit 1", org.id(), i));
        }
        return out;
    }

    static String heldId(JsonNode held, String scimId) {
        for (JsonNode h : held) if (h.get("scimId").asText().equals(scimId)) return h.get("id").asText();
        throw new AssertionError("no held change for " + scimId + " in " + held);
    }
}
