package dev.lanyard.token;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

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
