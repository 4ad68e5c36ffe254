package dev.lanyard.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.lanyard.domain.JsonBuffers;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Map;

/** Reading request bodies with a size limit and writing JSON answers; the HTTP edge's JSON plumbing. */
public final class Json {
    public static final ObjectMapper MAPPER = JsonBuffers.pooled(new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS));

    /** The parsed request body, kept on the context for the provisioning log. */
    public static final String BODY_ATTRIBUTE = "lanyard.requestBody";

    /** Largest body we read (1 MiB); a SCIM User is a few KiB. */
    public static final int MAX_BODY_BYTES = 1 << 20;

    private Json() {}

    /** The body parsed as JSON, or the exception says what is wrong with it. */
    public static JsonNode readBody(Context ctx, ObjectMapper mapper) throws BodyException {
        return readBody(ctx, mapper, false);
    }

    /**
     * As {@link #readBody(Context, ObjectMapper)}; with {@code keysIgnoreCase}, two keys of one
     * object that differ only in letter case ({@code "userName"} and {@code "UserName"}) are refused
     * too (400 invalidSyntax naming them). SCIM attribute names are case-insensitive (RFC 7643
     * §2.1), so such a body names one attribute twice, and SCIM's case-insensitive JSON objects
     * would keep one of the two values silently.
     */
    public static JsonNode readBody(Context ctx, ObjectMapper mapper, boolean keysIgnoreCase) throws BodyException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > MAX_BODY_BYTES) throw BodyException.tooLarge();
        byte[] bytes;
        try (InputStream in = ctx.req().getInputStream()) {
            // With a Content-Length, Jetty gives at most that many bytes: read into an array of
            // exactly that size. Without one (chunked), up to one byte past the limit, to tell a
            // body over it. (readNBytes(limit) starts with a 16 KiB buffer and copies out of it:
            // 16 KiB allocated and zeroed for each create and change, issue 16.)
            bytes = in.readNBytes(declared >= 0 ? (int) declared : MAX_BODY_BYTES + 1);
        } catch (IOException e) {
            throw new BodyException(400, "the request body could not be read");
        }
        if (bytes.length > MAX_BODY_BYTES) throw BodyException.tooLarge();
        if (bytes.length == 0) throw new BodyException(400, "the request needs a JSON body");
        try {
            // Exactly one JSON value: "{...}x", "{...}{}" or "{...}// c" is not a body we can trust
            // to mean what the client meant (RFC 8259 §2: a JSON text is one value). A key given
            // twice would keep only the last value, silently.
            JsonNode node = mapper.reader()
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .with(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .readTree(bytes);
            if (node == null || node.isMissingNode()) throw new BodyException(400, "the request needs a JSON body");
            String unstorable = unstorableText(node, "");
            if (unstorable != null) throw new BodyException(400, BodyException.INVALID_VALUE, unstorable);
            String clash = keysIgnoreCase ? caseClash(bytes) : null;
            if (clash != null) throw new BodyException(400, BodyException.INVALID_SYNTAX, clash);
            ctx.attribute(BODY_ATTRIBUTE, node);
            return node;
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            String why = e.getOriginalMessage() != null && e.getOriginalMessage().startsWith("Duplicate field")
                    ? "a key appears twice in one object" : e.getOriginalMessage() != null
                    && e.getOriginalMessage().startsWith("Trailing token") ? "there is more after the JSON value" : null;
            throw new BodyException(400, "the body is not valid JSON" + (why == null ? "" : ": " + why)
                    + (loc == null ? "" : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")"));
        } catch (IOException e) {
            throw new BodyException(400, "the request body could not be read");
        }
    }

    /**
     * The first object in the (already valid) JSON text with two keys equal but for letter case, as
     * a sentence naming both and where; null when there is none. A streaming pass over the bytes:
     * the tree a SCIM mapper builds has already merged such keys.
     */
    static String caseClash(byte[] json) throws IOException {
        java.util.Deque<Map<String, String>> objects = new java.util.ArrayDeque<>();
        try (com.fasterxml.jackson.core.JsonParser p = MAPPER.getFactory().createParser(json)) {
            for (var t = p.nextToken(); t != null; t = p.nextToken()) {
                switch (t) {
                    case START_OBJECT -> objects.push(new java.util.HashMap<>());
                    case END_OBJECT -> objects.pop();
                    case FIELD_NAME -> {
                        String key = p.currentName();
                        String earlier = objects.peek().putIfAbsent(key.toLowerCase(java.util.Locale.ROOT), key);
                        if (earlier != null) {
                            String where = p.getParsingContext().getParent().pathAsPointer().toString();
                            return "the body names the attribute \"" + earlier + "\" twice, as \"" + earlier + "\" and \""
                                    + key + "\" (in " + shown(where) + "); SCIM attribute names ignore letter case "
                                    + "(RFC 7643 §2.1), so send it once";
                        }
                    }
                    default -> { }
                }
            }
        }
        return null;
    }

    /**
     * Where {@code node} holds text no database column can keep: U+0000 (PostgreSQL text and jsonb
     * refuse it) or half of a surrogate pair (not Unicode at all). Null when there is none.
     */
    static String unstorableText(JsonNode node, String pointer) {
        if (node.isTextual()) return unstorable(node.textValue(), pointer);
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = unstorableText(node.get(i), pointer + "/" + i);
                if (found != null) return found;
            }
        } else if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> f = it.next();
                String where = pointer + "/" + f.getKey().replace("~", "~0").replace("/", "~1");
                String found = unstorable(f.getKey(), where + " (the key)");
                if (found == null) found = unstorableText(f.getValue(), where);
                if (found != null) return found;
            }
        }
        return null;
    }

    private static String unstorable(String text, String pointer) {
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == 0) {
                return "the body contains U+0000 (NUL) at " + shown(pointer) + "; text values cannot contain it";
            }
            if (Character.isHighSurrogate(ch) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(ch)) {
                return "the body contains a lone surrogate (U+" + String.format("%04X", (int) ch) + ") at " + shown(pointer)
                        + "; text values must be valid Unicode";
            }
        }
        return null;
    }

    private static String shown(String pointer) {
        String p = pointer.replace("\0", "\\u0000");  // a NUL in a key, shown as its JSON escape
        return p.isEmpty() ? "the top level" : p.length() > 120 ? p.substring(0, 117) + "..." : p;
    }

    /** A body that cannot be used: too large (413), not JSON (400 invalidSyntax) or unstorable text (400 invalidValue). */
    public static final class BodyException extends Exception {
        static final String INVALID_SYNTAX = "invalidSyntax";
        static final String INVALID_VALUE = "invalidValue";

        private final int status;
        private final String scimType;

        BodyException(int status, String message) {
            this(status, status == 400 ? INVALID_SYNTAX : null, message);
        }

        BodyException(int status, String scimType, String message) {
            super(message);
            this.status = status;
            this.scimType = scimType;
        }

        /** The SCIM error type when the body is used as a SCIM request (RFC 7644 §3.12), or null. */
        public String scimType() {
            return scimType;
        }

        static BodyException tooLarge() {
            return new BodyException(413, "the request body is larger than " + (MAX_BODY_BYTES >> 10) + " KiB");
        }

        public int status() {
            return status;
        }
    }
}
