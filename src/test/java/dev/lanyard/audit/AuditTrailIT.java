package dev.lanyard.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the audit trail records, over the real HTTP API on a real database: each change with its
 * actor, in the same transaction as the change, and nothing for a change that changed nothing.
 */
class AuditTrailIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_operators_changes_to_an_organization_are_recorded_with_the_operator_as_actor() {
        TestApp.Org org = app.newOrg("audit-" + UUID.randomUUID());
        String op = app.operatorToken();
        app.http().send("PATCH", "/admin/api/orgs/" + org.id(), op, "{\"usernameChangePolicy\":\"rename_in_place\"}").expect(200);
        app.http().send("PATCH", "/admin/api/orgs/" + org.id(), op, "{\"usernameChangePolicy\":\"rename_in_place\"}").expect(200);
        app.http().send("DELETE", "/admin/api/orgs/" + org.id() + "/tokens/" + org.tokenId(), op, (String) null).expect(204);

        assertThat(actions(org)).isEqualTo("organization.created,provisioning.enabled,token.issued,settings.changed,token.revoked");
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and actor <> 'operator'", org.id())).isZero();
        assertThat(app.queryString("select detail::text from audit_trail where org_id = ?::uuid and action = 'settings.changed'", org.id()))
                .isEqualTo("{\"after\": {\"usernameChangePolicy\": \"rename_in_place\"}, \"before\": {\"usernameChangePolicy\": \"new_account\"}}");
        assertThat(app.queryString("select target_id || ' ' || target_label from audit_trail where org_id = ?::uuid and action = 'token.revoked'",
                org.id())).startsWith(org.tokenId() + " SCIM token \"test\" (lanyard_scim_");
    }

    @Test
    void the_admin_api_filters_pages_both_ways_and_counts() {
        TestApp.Org org = app.newOrg("audit-api-" + UUID.randomUUID());
        UUID orgId = UUID.fromString(org.id());
        app.execute("insert into audit_trail (org_id, at, actor, actor_label, action) select ?::uuid, now() - make_interval(days => i), "
                + "'operator', 'operator', case when i % 2 = 0 then 'saml.settings_changed' else 'settings.changed' end "
                + "from generate_series(1, 30) i", orgId);
        JsonNode first = api(org, "?action=settings&limit=10");
        assertThat(first.get("count").asLong()).isEqualTo(15);
        assertThat(first.get("countAtLeast").asBoolean()).isFalse();
        assertThat(first.get("entries")).hasSize(10).allMatch(e -> e.get("action").asText().equals("settings.changed"));
        assertThat(first.get("newer").isNull()).isTrue();
        JsonNode second = api(org, "?action=settings&limit=10&before=" + first.get("older").asLong());
        assertThat(second.get("entries")).hasSize(5);
        assertThat(second.get("older").isNull()).isTrue();
        JsonNode back = api(org, "?action=settings&limit=10&after=" + second.get("newer").asLong());
        assertThat(back.get("entries")).isEqualTo(first.get("entries"));

        assertThat(api(org, "?action=saml.settings_changed").get("count").asLong()).isEqualTo(15);
        assertThat(api(org, "?since=" + Instant.now().minus(Duration.ofDays(10)).minusSeconds(60) + "&action=saml").get("count").asLong())
                .isEqualTo(5);
        assertThat(api(org, "?actor=operator&until=" + Instant.now().minus(Duration.ofDays(29)).plusSeconds(60)).get("count").asLong())
                .isEqualTo(2);
        assertThat(app.http().send("GET", "/admin/api/orgs/" + org.id() + "/audit?action=DROP%20TABLE", app.operatorToken(), (String) null)
                .status()).isEqualTo(400);
        assertThat(app.http().send("GET", "/admin/api/orgs/" + org.id() + "/audit", (String) null, (String) null).status()).isEqualTo(401);
        assertThat(app.http().send("GET", "/admin/api/orgs/no-such-org/audit", app.operatorToken(), (String) null).status()).isEqualTo(404);
    }

    @Test
    void a_large_export_streams_every_entry_in_order_and_is_well_formed() throws Exception {
        TestApp.Org org = app.newOrg("audit-big-" + UUID.randomUUID());
        UUID orgId = UUID.fromString(org.id());
        int rows = 20_000;
        app.execute("insert into audit_trail (org_id, at, actor, actor_label, action, detail) select ?::uuid, now() - make_interval(secs => i), "
                + "'operator', 'operator', 'settings.changed', jsonb_build_object('n', i) from generate_series(1, ?) i", orgId, rows);
        long total = app.count("select count(*) from audit_trail where org_id = ?::uuid", orgId);
        long started = System.nanoTime();
        Http.Response json = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/audit/export?format=json", app.operatorToken(), (String) null)
                .expect(200);
        long ms = (System.nanoTime() - started) / 1_000_000;
        JsonNode entries = new ObjectMapper().readTree(json.body()).get("entries");
        assertThat(entries.size()).isEqualTo(total);
        // newest first, no entry twice: the keyset batches join up exactly
        java.util.Set<Long> ids = new java.util.HashSet<>();
        String previous = null;
        for (JsonNode e : entries) {
            assertThat(ids.add(e.get("id").asLong())).isTrue();
            String at = e.get("at").asText();
            if (previous != null) assertThat(Instant.parse(at)).isBeforeOrEqualTo(Instant.parse(previous));
            previous = at;
        }
        Http.Response csv = app.http().send("GET", "/admin/api/orgs/" + org.id() + "/audit/export?format=csv", app.operatorToken(), (String) null)
                .expect(200);
        assertThat(csv.body().split("\r\n")).hasSize((int) total + 1);
        System.out.println("audit export: " + total + " entries as JSON in " + ms + " ms (" + json.body().length() + " characters)");
    }

    @Test
    void the_retention_sweep_deletes_only_entries_older_than_the_retention_and_sweeps_the_sign_in_log_too() {
        TestApp.Org org = app.newOrg("audit-old-" + UUID.randomUUID());
        UUID orgId = UUID.fromString(org.id());
        app.execute("insert into audit_trail (org_id, at, actor, actor_label, action) select ?::uuid, now() - make_interval(days => d), "
                + "'operator', 'operator', 'settings.changed' from generate_series(395, 405) d", orgId);
        app.execute("insert into saml_sign_in_log (org_id, at, flow, outcome, reason, detail) select ?::uuid, now() - make_interval(days => d), "
                + "'test', 'failure', 'malformed', 'x' from generate_series(25, 35) d", orgId);
        long recent = app.count("select count(*) from audit_trail where org_id = ?::uuid and at > now() - interval '1 day'", orgId);

        int gone = app.services().auditTrail().sweep(Instant.now().minus(Duration.ofDays(400)));
        assertThat(gone).isGreaterThanOrEqualTo(5);
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and at < now() - interval '400 days'", orgId)).isZero();
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and at >= now() - interval '400 days' "
                + "and at < now() - interval '300 days'", orgId)).isEqualTo(5);  // 395 to 399 days old
        assertThat(app.count("select count(*) from audit_trail where org_id = ?::uuid and at > now() - interval '1 day'", orgId)).isEqualTo(recent);

        app.services().auditTrail().sweepSignInLog(Instant.now().minus(Duration.ofDays(30)));
        assertThat(app.count("select count(*) from saml_sign_in_log where org_id = ?::uuid", orgId)).isEqualTo(5);
    }

    private static JsonNode api(TestApp.Org org, String query) {
        return app.http().send("GET", "/admin/api/orgs/" + org.id() + "/audit" + query, app.operatorToken(), (String) null).expect(200).json();
    }

    private static String actions(TestApp.Org org) {
        return app.queryString("select string_agg(action, ',' order by id) from audit_trail where org_id = ?::uuid", org.id());
    }
}
