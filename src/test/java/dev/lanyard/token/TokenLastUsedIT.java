package dev.lanyard.token;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SCIM token's "last used" is recorded by the lookup itself (one statement, no second
 * transaction per request), and at most once a minute, so a busy IdP does not rewrite the row on
 * every request.
 */
class TokenLastUsedIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_lookup_records_the_first_use_then_at_most_once_a_minute() throws InterruptedException {
        TestApp.Org org = app.newOrg("used-" + UUID.randomUUID());
        TokenService tokens = app.services().tokens();
        assertThat(lastUsed(org)).isNull();

        assertThat(tokens.authenticate(org.token(), atOwnUrl(org))).get().extracting(ProvisioningToken.Holder::orgId)
                .isEqualTo(UUID.fromString(org.id()));
        Instant first = lastUsed(org);
        assertThat(first).isNotNull();

        tokens.authenticate(org.token(), atOwnUrl(org));
        assertThat(lastUsed(org)).isEqualTo(first);  // within the minute: not written again

        app.execute("update provisioning_tokens set last_used_at = now() - interval '2 minutes' where id = ?::uuid", org.tokenId());
        Instant old = lastUsed(org);
        // A verified token is answered from memory for up to TokenCache.TTL (issue 16); after it,
        // the lookup runs again and records the use.
        Thread.sleep(TokenCache.TTL.toMillis() + 50);
        tokens.authenticate(org.token(), atOwnUrl(org));
        assertThat(lastUsed(org)).isAfter(old);
    }

    /**
     * When the minute is up, every request of the token in flight records the use at once. Before
     * issue 16's fourteenth round each one waited for the row lock of the one before it, which
     * holds it until its commit is on disk; now the one that finds the row being written skips the
     * write. Without that, this lookup waits for the open transaction below and fails after the
     * pool's lock_timeout (3 s) with "busy".
     */
    @Test
    void a_lookup_does_not_wait_for_another_request_recording_the_use() throws Exception {
        TestApp.Org org = app.newOrg("busy-" + UUID.randomUUID());
        TokenService tokens = app.services().tokens();
        try (Connection other = recordingTheUse(org)) {
            long started = System.nanoTime();
            Optional<ProvisioningToken.Holder> holder = tokens.authenticate(org.token(), atOwnUrl(org));
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(holder).get().extracting(ProvisioningToken.Holder::orgId).isEqualTo(UUID.fromString(org.id()));
            assertThat(tookMillis).as("the lookup did not wait for the other transaction's lock").isLessThan(1_500);
            other.commit();
        }
        // The skipped write is made by a later lookup (after the cache's TTL): the use is still recorded.
        Thread.sleep(TokenCache.TTL.toMillis() + 50);
        Instant before = lastUsed(org);
        tokens.authenticate(org.token(), atOwnUrl(org));
        assertThat(lastUsed(org)).isAfter(before);
    }

    /** The same over HTTP, as the IdP meets it: its request is answered, not held until a 503. */
    @Test
    void a_scim_request_is_answered_while_another_request_records_the_use() throws Exception {
        TestApp.Org org = app.newOrg("busy-http-" + UUID.randomUUID());
        try (Connection other = recordingTheUse(org)) {
            long started = System.nanoTime();
            var response = app.scim(org, "Okta SCIM Client 1.0.0", "GET", "/Users?filter=userName%20eq%20%22nobody%40example.com%22", null);
            long tookMillis = (System.nanoTime() - started) / 1_000_000;
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"totalResults\":0");
            assertThat(tookMillis).as("the request did not wait for the other transaction's lock").isLessThan(1_500);
            other.rollback();
        }
    }

    @Test
    void a_revoked_or_unknown_token_is_refused_and_records_nothing() {
        TestApp.Org org = app.newOrg("revoked-" + UUID.randomUUID());
        TokenService tokens = app.services().tokens();
        tokens.revoke(UUID.fromString(org.id()), UUID.fromString(org.tokenId()), dev.lanyard.domain.Actor.OPERATOR);
        assertThat(tokens.authenticate(org.token(), atOwnUrl(org))).isEmpty();
        assertThat(tokens.authenticate(org.token() + "x", atOwnUrl(org))).isEmpty();
        assertThat(lastUsed(org)).isNull();
    }

    @Test
    void a_token_used_at_another_organizations_url_records_nothing() {
        TestApp.Org org = app.newOrg("elsewhere-" + UUID.randomUUID());
        assertThat(app.services().tokens().authenticate(org.token(), Optional.of(UUID.randomUUID()))).isPresent();
        assertThat(lastUsed(org)).isNull();
    }

    /** Another request recording the token's use, not committed yet: it holds the token's row until closed. */
    private static Connection recordingTheUse(TestApp.Org org) throws java.sql.SQLException {
        Connection other = app.dataSource().getConnection();
        try {
            other.setAutoCommit(false);
            try (PreparedStatement ps = other.prepareStatement(
                    "update provisioning_tokens set last_used_at = now() - interval '2 minutes' where id = ?::uuid")) {
                ps.setString(1, org.tokenId());
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            return other;
        } catch (java.sql.SQLException | RuntimeException | Error e) {
            // Back to the pool, its transaction rolled back, so later tests are not held by the row;
            // a failure to close is kept beside the failure that matters, not in its place.
            try {
                other.close();
            } catch (java.sql.SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    private static Optional<UUID> atOwnUrl(TestApp.Org org) {
        return Optional.of(UUID.fromString(org.id()));
    }

    /** The token's last_used_at, or null. */
    private static Instant lastUsed(TestApp.Org org) {
        long micros = app.count("select coalesce((extract(epoch from last_used_at) * 1000000)::bigint, -1) "
                + "from provisioning_tokens where id = ?::uuid", org.tokenId());
        return micros < 0 ? null : Instant.EPOCH.plusNanos(micros * 1000);
    }
}
