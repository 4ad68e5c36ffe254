package dev.lanyard.scim;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.unboundid.scim2.common.utils.JsonUtils;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScimJsonTest {
    /**
     * The SDK parses filter values and PatchOps with a mapper of its own: once a filter has been
     * parsed, that mapper takes its buffers from a bounded pool (not Jackson's per-thread one, which
     * reuses nothing on virtual threads), and not from the pool our mappers share: the SDK's filter
     * parser never gives back what it takes (JsonBuffersTest checks the shared pool's count).
     */
    @Test
    void the_sdk_mapper_has_a_bounded_pool_of_its_own() throws Exception {
        ScimFilters.parse("userName eq \"kim@example.com\"");
        var sdk = JsonUtils.getObjectReader().getFactory()._getRecyclerPool();
        assertThat(sdk)
                .isNotSameAs(ScimJson.MAPPER.getFactory()._getRecyclerPool())
                .isNotSameAs(JsonRecyclerPools.threadLocalPool());
        assertThat(sdk.pooledCount()).isBetween(0, 64);  // a pool that keeps and counts its sets
    }
}
