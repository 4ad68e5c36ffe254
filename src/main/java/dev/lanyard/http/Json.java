package dev.lanyard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;

/** Reading request bodies with a size limit and writing JSON answers; the HTTP edge's JSON plumbing. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    /** The parsed request body, kept on the context for the provisioning log. */
    public static final String BODY_ATTRIBUTE = "lanyard.requestBody";

    /** Largest body we read (1 MiB); a SCIM User is a few KiB. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private Json() {}

    /** The body parsed as JSON, or the exception says what is wrong with it. */
    public static JsonNode readBody(Context ctx, ObjectMapper mapper) throws BodyException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) throw BodyException.tooLarge();
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            bytes = in.readNBytes(MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new BodyException(400, "the request body could not be read");
        }
        if (bytes.length > MAX_BODY_BYTES) throw BodyException.tooLarge();
        if (bytes.length == 0) throw new BodyException(400, "the request needs a JSON body");
        try {
            JsonNode node = mapper.readTree(bytes);
            if (node == null || node.isMissingNode()) throw new BodyException(400, "the request needs a JSON body");
            ctx.attribute(BODY_ATTRIBUTE, node);
            return node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw new BodyException(400, "the body is not valid JSON"
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new BodyException(400, "the request body could not be read");
        }
    }

    /** A body that cannot be used: too large (413) or not JSON (400). */
    public static final class BodyException extends Exception {
        private final int status;

        BodyException(int status, String message) {
            super(message);
            this.status = status;
        }

        static BodyException tooLarge() {
            return new BodyException(413, "the request body is larger than " + (MAX_BODY_BYTES >> 10) + " KiB");
        }

        public int status() {
            return status;
        }
    }
}
