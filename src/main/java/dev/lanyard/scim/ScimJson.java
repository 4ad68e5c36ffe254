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
     * The SDK's own mapper parses filter values and PatchOps: its buffers from the pool too. Runs
     * when this class loads; ScimFilters, which may parse a filter first, calls it as well.
     */
    static void poolSdkBuffers() {
        JsonBuffers.pooled(JsonUtils.getObjectReader().getFactory());
    }
}
