package dev.lanyard.token;

import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class TokenCacheTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final TokenCache cache = new TokenCache(clock::get);
    private final UUID org = UUID.randomUUID();
    private final ProvisioningToken.Holder holder = new ProvisioningToken.Holder(UUID.randomUUID(), org, true);
    private final byte[] hash = Secrets.hash("lanyard_scim_one");

    @Test
    void a_verified_token_is_trusted_for_less_than_the_ttl_then_looked_up_again() {
        cache.put(hash, Optional.of(holder), Optional.of(org));
        assertThat(cache.find(hash, Optional.of(org))).contains(holder);
        clock.addAndGet(TokenCache.TTL.toNanos() - 1);
        assertThat(cache.find(hash, Optional.of(org))).contains(holder);
        clock.addAndGet(1);
        assertThat(cache.find(hash, Optional.of(org))).isEmpty();
    }

    @Test
    void another_secret_and_a_token_the_database_no_longer_knows_are_never_answered_from_memory() {
        cache.put(hash, Optional.of(holder), Optional.of(org));
        assertThat(cache.find(Secrets.hash("lanyard_scim_other"), Optional.of(org))).isEmpty();
        cache.put(hash, Optional.empty(), Optional.of(org));  // the lookup found it revoked
        assertThat(cache.find(hash, Optional.of(org))).isEmpty();
    }

    @Test
    void revoking_or_turning_provisioning_off_here_applies_at_once() {
        cache.put(hash, Optional.of(holder), Optional.of(org));
        cache.forget(holder.tokenId());
        assertThat(cache.find(hash, Optional.of(org))).isEmpty();
        cache.put(hash, Optional.of(holder), Optional.of(org));
        cache.forgetOrganization(org);
        assertThat(cache.find(hash, Optional.of(org))).isEmpty();
    }

    @Test
    void a_token_first_seen_at_another_url_is_looked_up_again_when_used_at_its_own_so_the_use_is_recorded() {
        cache.put(hash, Optional.of(holder), Optional.of(UUID.randomUUID()));
        assertThat(cache.find(hash, Optional.of(UUID.randomUUID()))).contains(holder);  // still refused by the caller (wrong URL)
        assertThat(cache.find(hash, Optional.of(org))).isEmpty();
        cache.put(hash, Optional.of(holder), Optional.of(org));
        assertThat(cache.find(hash, Optional.of(org))).contains(holder);
    }

    @Test
    void it_holds_a_bounded_number_of_tokens() {
        for (int i = 0; i < TokenCache.MAX_ENTRIES + 10; i++) {
            cache.put(Secrets.hash("lanyard_scim_" + i), Optional.of(new ProvisioningToken.Holder(UUID.randomUUID(), org, true)),
                    Optional.of(org));
        }
        assertThat(cache.size()).isLessThanOrEqualTo(TokenCache.MAX_ENTRIES);
    }
}
