package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.exceptions.ForbiddenException;
import com.unboundid.scim2.common.exceptions.ResourceNotFoundException;
import com.unboundid.scim2.common.types.SchemaResource;
import dev.lanyard.http.BaseUrl;
import dev.lanyard.scim.ScimJson;
import dev.lanyard.scim.GroupSchema;
import dev.lanyard.scim.UserSchema;
import dev.lanyard.token.ProvisioningToken;
import io.javalin.http.Context;

import java.util.List;

/**
 * /ServiceProviderConfig, /ResourceTypes, /Schemas (RFC 7644 §4, RFC 7643 §5-7). They say only
 * what works: PATCH, bulk, ETags, sorting yes; password change not. Cursor pagination works but is
 * not announced (see {@link #serviceProviderConfig}).
 * A filter on these endpoints is refused with 403, as §4 recommends.
 */
final class DiscoveryRoutes {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final BaseUrl baseUrl;

    DiscoveryRoutes(BaseUrl baseUrl) {
        this.baseUrl = baseUrl;
    }

    void serviceProviderConfig(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        refuseFilter(ctx);
        ObjectNode spc = NODES.objectNode();
        spc.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig");
        spc.put("documentationUri", "https://datatracker.ietf.org/doc/html/rfc7644");
        spc.putObject("patch").put("supported", true);
        spc.putObject("bulk").put("supported", true)
                .put("maxOperations", BulkRequest.MAX_OPERATIONS)
                .put("maxPayloadSize", BulkRequest.MAX_PAYLOAD_SIZE);
        spc.putObject("filter").put("supported", true).put("maxResults", Paging.MAX_COUNT);
        spc.putObject("changePassword").put("supported", false);
        spc.putObject("sort").put("supported", true);
        spc.putObject("etag").put("supported", true);
        // Cursor pagination (RFC 9865) works on /Users and .search, but its "pagination" member is
        // left out of this document: UnboundID scim2-sdk 4.x and Python's scim2-models refuse a
        // ServiceProviderConfig that has it ("Core attribute pagination is undefined"), so their
        // discovery call would fail before any request, while no IdP reads it. README, "Sorting and
        // paging", says how to use cursors.
        spc.putArray("authenticationSchemes").addObject()
                .put("type", "oauthbearertoken")
                .put("name", "OAuth Bearer Token")
                .put("description", "The organization's SCIM token, sent as \"Authorization: Bearer <token>\"")
                .put("specUri", "https://www.rfc-editor.org/rfc/rfc6750")
                .put("primary", true);
        spc.set("meta", meta("ServiceProviderConfig", scimUrl(ctx) + "/ServiceProviderConfig"));
        ScimResponses.json(ctx, 200, spc);
    }

    void resourceTypes(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        refuseFilter(ctx);
        ScimResponses.json(ctx, 200, ScimResponses.listResponse(2, 1, List.of(userResourceType(ctx), groupResourceType(ctx))));
    }

    void resourceType(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        switch (ctx.pathParam("id")) {
            case "User" -> ScimResponses.json(ctx, 200, userResourceType(ctx));
            case "Group" -> ScimResponses.json(ctx, 200, groupResourceType(ctx));
            default -> throw new ResourceNotFoundException("no resource type " + ctx.pathParam("id")
                    + "; this server offers User and Group");
        }
    }

    void schemas(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        refuseFilter(ctx);
        ScimResponses.json(ctx, 200, ScimResponses.listResponse(3, 1,
                List.of(schema(ctx, UserSchema.CORE), schema(ctx, UserSchema.ENTERPRISE), schema(ctx, GroupSchema.CORE))));
    }

    void schemaById(Context ctx, ProvisioningToken.Holder caller) throws Exception {
        String id = ctx.pathParam("id");
        for (SchemaResource s : List.of(UserSchema.CORE, UserSchema.ENTERPRISE, GroupSchema.CORE)) {
            if (s.getId().equals(id)) {
                ScimResponses.json(ctx, 200, schema(ctx, s));
                return;
            }
        }
        throw new ResourceNotFoundException("no schema " + id + " on this server");
    }

    private ObjectNode userResourceType(Context ctx) {
        ObjectNode rt = NODES.objectNode();
        rt.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ResourceType");
        rt.put("id", "User");
        rt.put("name", "User");
        rt.put("endpoint", "/Users");
        rt.put("description", "A managed account of the organization; userName is its email");
        rt.put("schema", ScimJson.USER_SCHEMA);
        rt.putArray("schemaExtensions").addObject().put("schema", ScimJson.ENTERPRISE_USER_SCHEMA).put("required", false);
        rt.set("meta", meta("ResourceType", scimUrl(ctx) + "/ResourceTypes/User"));
        return rt;
    }

    private ObjectNode groupResourceType(Context ctx) {
        ObjectNode rt = NODES.objectNode();
        rt.putArray("schemas").add("urn:ietf:params:scim:schemas:core:2.0:ResourceType");
        rt.put("id", "Group");
        rt.put("name", "Group");
        rt.put("endpoint", "/Groups");
        rt.put("description", "A group of the organization's users (no nested groups); displayName is unique");
        rt.put("schema", ScimJson.GROUP_SCHEMA);
        rt.set("meta", meta("ResourceType", scimUrl(ctx) + "/ResourceTypes/Group"));
        return rt;
    }

    private ObjectNode schema(Context ctx, SchemaResource schema) {
        ObjectNode node = ScimJson.MAPPER.valueToTree(schema);
        node.set("meta", meta("Schema", scimUrl(ctx) + "/Schemas/" + schema.getId()));
        return node;
    }

    private static ObjectNode meta(String resourceType, String location) {
        return NODES.objectNode().put("resourceType", resourceType).put("location", location);
    }

    private static void refuseFilter(Context ctx) throws ForbiddenException {
        if (ctx.queryParam("filter") != null) {
            throw new ForbiddenException("discovery endpoints do not support filtering (RFC 7644 §4)");
        }
    }

    private String scimUrl(Context ctx) {
        return baseUrl.of(ctx) + "/scim/v2/" + ctx.pathParam("orgId");
    }
}
