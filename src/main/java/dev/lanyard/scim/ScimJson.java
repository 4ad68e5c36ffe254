package dev.lanyard.scim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.unboundid.scim2.common.utils.JsonUtils;
import dev.lanyard.domain.JsonBuffers;

/** The one JSON mapper for SCIM documents, configured by the SCIM SDK (dates, case handling). */
public final class ScimJson {
    public static final ObjectMapper MAPPER = JsonBuffers.pooled(JsonUtils.createObjectMapper());

    public static final String MEDIA_TYPE = "application/scim+json";
    public static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    public static final String GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
    public static final String ENTERPRISE_USER_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
    public static final String LIST_RESPONSE = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    public static final String PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    static {
        poolSdkBuffers();
    }

    private ScimJson() {}

    /**
     * The SDK's own mapper parses filter values and PatchOps: its buffers from a pool of their own.
     * The SDK's filter parser (scim2-sdk-common 4.1, {@code Parser.readFilter}) reads each
     * comparison value with a JSON parser of that factory and never closes it, so the recycler the
     * parser took never returns to its pool. In the shared pool that took one recycler out for
     * every filter, and the answer's generator, the next to ask, then found the pool empty and
     * allocated its buffers anew: 8,000 bytes and 4,000 chars, about 16 KB per lookup (issue 16,
     * twenty-third round). Apart, the filters drain only this pool (each filter's own 4,000-char
     * token buffer is still allocated, as the SDK asks for it). Runs when this class loads;
     * ScimFilters, which may parse a filter first, calls it as well.
     */
    static synchronized void poolSdkBuffers() {
        if (sdkPooled) return;
        JsonBuffers.pooledApart(JsonUtils.getObjectReader().getFactory());
        sdkPooled = true;
    }

    private static boolean sdkPooled;  // guarded by the class's lock
}
