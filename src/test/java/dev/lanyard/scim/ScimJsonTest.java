package dev.lanyard.scim;

import com.unboundid.scim2.common.utils.JsonUtils;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ScimJsonTest {
    /**
     * The SDK parses filter values and PatchOps with a mapper of its own: once a filter has been
     * parsed, that mapper takes its buffers from the same pool as ours (not Jackson's per-thread one).
     */
    @Test
    void the_sdk_mapper_shares_our_buffer_pool() throws Exception {
        ScimFilters.parse("userName eq \"kim@example.com\"");
        assertThat(JsonUtils.getObjectReader().getFactory()._getRecyclerPool())
                .isSameAs(ScimJson.MAPPER.getFactory()._getRecyclerPool())
                .isNotSameAs(com.fasterxml.jackson.core.util.JsonRecyclerPools.threadLocalPool());
    }
}
