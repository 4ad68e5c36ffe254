package dev.lanyard.provisioning;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.unboundid.scim2.common.messages.ErrorResponse;
import dev.lanyard.scim.ScimJson;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Writing SCIM answers: always application/scim+json (RFC 7644 §3.1, §8.1). */
public final class ScimResponses {
    /** The SCIM error type and detail of a failed request, kept on the context for the provisioning log. */
    static final String SCIM_TYPE_ATTRIBUTE = "lanyard.scimType";
    static final String DETAIL_ATTRIBUTE = "lanyard.detail";

    private ScimResponses() {}

    /**
     * Writes the answer. A success is written to the response stream at once: handed to Javalin as
     * a result it was copied through a new 8 KB buffer per response, the largest allocation of a
     * lookup (issue 16). Callers set every header first (a body larger than Jetty's buffer commits
     * them). An error stays a result: Javalin's error handlers (Errors) look for one to know that
     * the answer is already written.
     */
    static void json(Context ctx, int status, JsonNode body) {
        byte[] bytes;
        try {
            bytes = ScimJson.MAPPER.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        ctx.status(status).contentType(ScimJson.MEDIA_TYPE);
        if (status >= 300) {
            ctx.result(bytes);
            return;
        }
        try {
            ctx.outputStream().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes a JSON body to a generator. */
    @FunctionalInterface
    interface Body {
        void write(JsonGenerator out) throws IOException;
    }

    /**
     * A success written as it is generated, with no tree in between (issue 16). Everything the
     * body needs is read before: a failure half-way is a bug, not a client's error.
     */
    static void stream(Context ctx, int status, Body body) {
        ctx.status(status).contentType(ScimJson.MEDIA_TYPE);
        try (JsonGenerator out = ScimJson.MAPPER.getFactory().createGenerator(ctx.outputStream())
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            body.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ListResponse (RFC 7644 §3.4.2); Resources is present even when empty (Okta reads it). */
    static ObjectNode listResponse(long totalResults, int startIndex, List<? extends JsonNode> resources) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.putArray("schemas").add(ScimJson.LIST_RESPONSE);
        out.put("totalResults", totalResults);
        out.put("startIndex", startIndex);
        out.put("itemsPerPage", resources.size());
        ArrayNode array = out.putArray("Resources");
        resources.forEach(array::add);
        return out;
    }

    /** An Error (RFC 7644 §3.12): status as a string, scimType when there is one, a detail to act on. */
    public static void error(Context ctx, int status, String scimType, String detail) {
        json(ctx, status, errorBody(status, scimType, detail));
        if (scimType != null) ctx.attribute(SCIM_TYPE_ATTRIBUTE, scimType);
        if (detail != null) ctx.attribute(DETAIL_ATTRIBUTE, detail);
        if (status == 401) ctx.header("WWW-Authenticate", "Bearer realm=\"Lanyard SCIM\"");
    }

    /** The Error document alone, also a failed bulk operation's {@code response} (RFC 7644 §3.7.3). */
    static ObjectNode errorBody(int status, String scimType, String detail) {
        ErrorResponse error = new ErrorResponse(status);
        error.setScimType(scimType);
        error.setDetail(detail);
        return ScimJson.MAPPER.valueToTree(error);
    }
}
