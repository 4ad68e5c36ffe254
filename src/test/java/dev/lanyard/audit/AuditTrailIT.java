package dev.lanyard.audit;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

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

    private static String actions(TestApp.Org org) {
        return app.queryString("select string_agg(action, ',' order by id) from audit_trail where org_id = ?::uuid", org.id());
    }
}
