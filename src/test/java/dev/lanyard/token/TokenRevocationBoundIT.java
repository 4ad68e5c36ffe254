package dev.lanyard.token;

import dev.lanyard.domain.Actor;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * SCIM tokens are verified from memory for at most {@link TokenCache#TTL} (issue 16): a token
 * revoked, or provisioning turned off, anywhere (another server, or by hand in the database) is
 * refused once that bound has passed; through this server, on the very next request.
 */
class TokenRevocationBoundIT {
    static final TestApp app = TestApp.start();
    private static final long BOUND_MILLIS = TokenCache.TTL.toMillis() + 100;

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_token_revoked_in_the_database_by_another_server_is_refused_within_the_bound() throws Exception {
        TestApp.Org org = app.newOrg("bound-" + UUID.randomUUID());
        assertThat(list(org)).isEqualTo(200);
        assertThat(list(org)).isEqualTo(200);  // now answered from memory
        app.execute("update provisioning_tokens set revoked_at = now() where id = ?::uuid", org.tokenId());
        Thread.sleep(BOUND_MILLIS);
        assertThat(list(org)).isEqualTo(401);
        assertThat(list(org)).isEqualTo(401);  // and stays refused: nothing negative is remembered as valid
    }

    @Test
    void provisioning_turned_off_in_the_database_is_refused_within_the_bound() throws Exception {
        TestApp.Org org = app.newOrg("bound-off-" + UUID.randomUUID());
        assertThat(list(org)).isEqualTo(200);
        app.execute("update organizations set provisioning_enabled = false where id = ?::uuid", org.id());
        Thread.sleep(BOUND_MILLIS);
        assertThat(list(org)).isEqualTo(403);
    }

    @Test
    void revoking_or_turning_provisioning_off_through_this_server_applies_to_the_next_request() {
        TestApp.Org org = app.newOrg("bound-now-" + UUID.randomUUID());
        assertThat(list(org)).isEqualTo(200);
        app.services().organizations().setProvisioningEnabled(org.id(), false, Actor.OPERATOR);
        assertThat(list(org)).isEqualTo(403);
        app.services().organizations().setProvisioningEnabled(org.id(), true, Actor.OPERATOR);
        assertThat(list(org)).isEqualTo(200);
        app.services().tokens().revoke(UUID.fromString(org.id()), UUID.fromString(org.tokenId()), Actor.OPERATOR);
        assertThat(list(org)).isEqualTo(401);
    }

    @Test
    void a_valid_token_at_another_organizations_url_stays_refused_when_answered_from_memory() {
        TestApp.Org a = app.newOrg("bound-a-" + UUID.randomUUID());
        TestApp.Org b = app.newOrg("bound-b-" + UUID.randomUUID());
        assertThat(list(a)).isEqualTo(200);  // a's token is in memory now
        assertThat(app.http().send("GET", b.scimPath() + "/Users", a.token(), (String) null).status()).isEqualTo(401);
    }

    private static int list(TestApp.Org org) {
        return app.http().send("GET", org.scimPath() + "/Users", org.token(), (String) null).status();
    }
}
