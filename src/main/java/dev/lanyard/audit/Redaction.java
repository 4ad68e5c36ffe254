package dev.lanyard.audit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.lanyard.domain.JsonBuffers;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * Removes secrets from a request body before the provisioning log stores it: the value of any
 * attribute whose name says password, secret or token, and the value of a PATCH operation whose
 * path names one ({@code {"op":"replace","path":"password","value":"..."}}).
 */
public final class Redaction {
    static final TextNode REDACTED = TextNode.valueOf("[redacted]");

    private Redaction() {}

    /** The body with each secret's value replaced by "[redacted]" (the rules: {@link #writeRedacted}). */
    public static JsonNode redact(JsonNode body) {
        return parse(redactedText(body));
    }

    private static JsonNode parse(String redacted) {
        try {
            return READER.readTree(redacted);
        } catch (IOException e) {
            throw new IllegalStateException("redacted JSON always parses", e);
        }
    }

    /** Longest query string the log keeps; longer ones are cut (IdPs send a filter and paging, well under this). */
    public static final int MAX_QUERY = 1024;
    /** Largest body the log keeps whole (serialized, after redaction); larger ones keep this much as an excerpt. */
    public static final int MAX_BODY = 8 * 1024;
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = JsonBuffers.pooled(new com.fasterxml.jackson.databind.ObjectMapper());
    private static final com.fasterxml.jackson.databind.ObjectReader READER = MAPPER.reader();
    private static final java.util.regex.Pattern TOKEN_LIKE = java.util.regex.Pattern.compile("lanyard_[a-z]+_[A-Za-z0-9_\\-]+");

    /**
     * A query string fit to store: the value of any parameter named like a secret
     * ({@code access_token=...}) and anything shaped like a Lanyard token replaced, then cut to
     * {@link #MAX_QUERY} characters.
     */
    public static String redactQuery(String query) {
        // Every SCIM request's query passes here (a lookup's filter and paging): a query with no
        // secret-named parameter, nearly all of them, is kept as it is, without rebuilding it pair
        // by pair (issue 16: splitting and decoding was 2 % of a lookup's JVM CPU).
        StringBuilder out = null;
        int start = 0;
        while (start <= query.length()) {
            int end = query.indexOf('&', start);
            if (end < 0) end = query.length();
            int eq = query.indexOf('=', start);
            if (eq >= 0 && eq < end && isSecretParameter(query.substring(start, eq))) {
                if (out == null) out = new StringBuilder(query.length()).append(query, 0, start);
                out.append(query, start, eq + 1).append("[redacted]");
            } else if (out != null) {
                out.append(query, start, end);
            }
            if (end < query.length() && out != null) out.append('&');
            start = end + 1;
        }
        String clean = withoutTokens(out == null ? query : out.toString());
        return clean.length() <= MAX_QUERY ? clean : clean.substring(0, MAX_QUERY) + "…";
    }

    /** A query parameter whose value is not stored: named like a secret, or OAuth's {@code code}; the name as sent (URL-encoded). */
    private static boolean isSecretParameter(String encodedName) {
        String name = encodedName;
        if (name.indexOf('%') >= 0 || name.indexOf('+') >= 0) {
            try {
                name = java.net.URLDecoder.decode(encodedName, java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return true;  // a name that does not decode ("%zz") may hide anything: its value is not kept
            }
        }
        return isSecretName(name) || name.equalsIgnoreCase("code");
    }

    /** Free text (the client's User-Agent) with anything shaped like a Lanyard token replaced. */
    public static String redactText(String text) {
        return withoutTokens(text);
    }

    /** Every match of TOKEN_LIKE replaced; text without its literal start (almost all of it) is returned as it is. */
    private static String withoutTokens(String text) {
        return text.contains("lanyard_") ? TOKEN_LIKE.matcher(text).replaceAll("[redacted]") : text;
    }

    /**
     * The redacted body as stored: whole when its JSON is at most {@link #MAX_BODY} characters,
     * else {@code {"truncated": true, "bytes": N, "excerpt": "<the first MAX_BODY characters>"}},
     * so a token holder cannot fill the disk or the writer's memory with big (refused) bodies.
     */
    public static JsonNode forLog(JsonNode body, long receivedBytes) {
        String text = redactedText(body);
        return text.length() <= MAX_BODY ? parse(text) : excerpt(text, receivedBytes);
    }

    /**
     * {@link #forLog} as the JSON text the provisioning log stores: the body written once, each
     * secret written as "[redacted]" on the way, without a redacted copy of the tree first (issue
     * 16: every create and change is logged; the copy was 3 % of a create's JVM CPU).
     */
    public static String forLogText(JsonNode body, long receivedBytes) {
        String text = redactedText(body);
        return text.length() <= MAX_BODY ? text : JsonBuffers.text(excerpt(text, receivedBytes));
    }

    private static String redactedText(JsonNode body) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
            writeRedacted(g, body);
        } catch (IOException e) {
            throw new IllegalStateException("a JSON tree always serialises", e);
        }
        return out.toString();
    }

    /**
     * Writes {@code node} with the secrets replaced: the value of any member whose name says
     * password, secret or token (at any depth), and the {@code value} of an object whose
     * {@code path} names one (a PatchOp operation).
     */
    private static void writeRedacted(JsonGenerator g, JsonNode node) throws IOException {
        if (node instanceof ArrayNode array) {
            g.writeStartArray();
            for (JsonNode item : array) writeRedacted(g, item);
            g.writeEndArray();
            return;
        }
        if (!(node instanceof ObjectNode object)) {
            g.writeTree(node);
            return;
        }
        JsonNode path = object.get("path");
        boolean secretValue = path != null && path.isTextual() && isSecretName(path.asText()) && object.has("value");
        g.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            g.writeFieldName(f.getKey());
            if (isSecretName(f.getKey()) || (secretValue && f.getKey().equals("value"))) {
                g.writeString(REDACTED.asText());
            } else {
                writeRedacted(g, f.getValue());
            }
        }
        g.writeEndObject();
    }

    private static ObjectNode excerpt(String text, long receivedBytes) {
        ObjectNode excerpt = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        excerpt.put("truncated", true);
        excerpt.put("bytes", receivedBytes);
        excerpt.put("excerpt", TOKEN_LIKE.matcher(text.substring(0, MAX_BODY)).replaceAll("[redacted]"));
        return excerpt;
    }

    /** The JSON with every text value shaped like a Lanyard token replaced (the audit trail's details). */
    public static JsonNode redactTokensIn(JsonNode node) {
        String text = JsonBuffers.text(node);
        String clean = TOKEN_LIKE.matcher(text).replaceAll("[redacted]");
        if (clean.equals(text)) return node;
        try {
            return READER.readTree(clean);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A client address as the audit trail keeps it: the network, not the host (an IPv4 address to
     * its /24, an IPv6 one to its /48), as web analytics anonymise addresses; enough to tell an
     * office from another continent, not to single a person out. Anything else is "unknown".
     */
    public static String redactAddress(String address) {
        if (address == null) return "unknown";
        String a = address.strip();
        if (a.startsWith("[") && a.endsWith("]")) a = a.substring(1, a.length() - 1);
        if (a.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return a.substring(0, a.lastIndexOf('.')) + ".0/24";
        if (a.matches("[0-9A-Fa-f:.]{2,45}") && a.contains(":")) {
            try {
                byte[] b = java.net.InetAddress.getByName(a).getAddress();
                if (b.length == 4) return (b[0] & 255) + "." + (b[1] & 255) + "." + (b[2] & 255) + ".0/24";
                return String.format("%x:%x:%x::/48", ((b[0] & 255) << 8) | (b[1] & 255), ((b[2] & 255) << 8) | (b[3] & 255),
                        ((b[4] & 255) << 8) | (b[5] & 255));
            } catch (java.net.UnknownHostException e) {
                return "unknown";
            }
        }
        return "unknown";
    }

    /** A User-Agent as the audit trail keeps it: token-shaped text replaced, at most 256 characters, no control characters. */
    public static String redactUserAgent(String userAgent) {
        if (userAgent == null) return "";
        String clean = redactText(userAgent).replaceAll("\\p{Cntrl}", "");
        return clean.length() <= 256 ? clean : clean.substring(0, 256) + "…";
    }

    static boolean isSecretName(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("token");
    }
}
