package dev.lanyard.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"userName":"a@b.c","password":"p1"}                                          | {"userName":"a@b.c","password":"[redacted]"}
            {"Operations":[{"op":"replace","path":"password","value":"p2"}]}              | {"Operations":[{"op":"replace","path":"password","value":"[redacted]"}]}
            {"Operations":[{"op":"replace","value":{"password":"p3","active":false}}]}    | {"Operations":[{"op":"replace","value":{"password":"[redacted]","active":false}}]}
            {"x":{"apiToken":"t","clientSecret":"s","title":"CTO"}}                       | {"x":{"apiToken":"[redacted]","clientSecret":"[redacted]","title":"CTO"}}
            {"emails":[{"value":"a@b.c"}]}                                                | {"emails":[{"value":"a@b.c"}]}
            """)
    void secrets_are_replaced_and_everything_else_kept(String body, String expected) throws Exception {
        assertThat(Redaction.redact(JSON.readTree(body))).isEqualTo(JSON.readTree(expected));
        assertThat(JSON.readTree(Redaction.forLogText(JSON.readTree(body), body.length()))).isEqualTo(JSON.readTree(expected));
    }

    /** The text the provisioning log stores is the tree forLog gives, whole or as an excerpt. */
    @org.junit.jupiter.api.Test
    void the_stored_text_is_the_logged_tree() throws Exception {
        var small = JSON.readTree("{\"userName\":\"a@b.c\",\"password\":\"p\"}");
        var big = JSON.createObjectNode().put("title", "lanyard_scim_" + "x".repeat(Redaction.MAX_BODY)).put("password", "p");
        for (var body : java.util.List.of(small, big)) {
            assertThat(Redaction.forLogText(body, 123)).isEqualTo(Redaction.forLog(body, 123).toString());
        }
        assertThat(JSON.readTree(Redaction.forLogText(big, 123)).get("excerpt").asText()).doesNotContain("lanyard_scim_").contains("[redacted]");
    }

    /**
     * The text written with the secrets replaced on the way is what the rule as first written
     * gives (copy the tree, replace in the copy, write it: {@link #copiedAndReplaced}), for seeded
     * random bodies: secret names at any depth and in any case, PatchOp operations whose path
     * names a secret (or not, or is not text), arrays, numbers, nulls. {@code redact} too.
     */
    @org.junit.jupiter.api.Test
    void the_redacted_text_is_the_redacted_copy_written() {
        java.util.Random random = new java.util.Random(16);
        for (int i = 0; i < 5_000; i++) {
            com.fasterxml.jackson.databind.JsonNode body = randomNode(random, 0);
            com.fasterxml.jackson.databind.JsonNode expected = copiedAndReplaced(body);
            assertThat(Redaction.forLogText(body, 1)).as(body.toString()).isEqualTo(dev.lanyard.domain.JsonBuffers.text(expected));
            assertThat(Redaction.redact(body)).as(body.toString()).isEqualTo(expected);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode copiedAndReplaced(com.fasterxml.jackson.databind.JsonNode body) {
        com.fasterxml.jackson.databind.JsonNode copy = body.deepCopy();
        replaceIn(copy);
        return copy;
    }

    private static void replaceIn(com.fasterxml.jackson.databind.JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ArrayNode array) {
            for (var item : array) replaceIn(item);
            return;
        }
        if (!(node instanceof com.fasterxml.jackson.databind.node.ObjectNode object)) return;
        var path = object.get("path");
        if (path != null && path.isTextual() && secretName(path.asText()) && object.has("value")) object.put("value", "[redacted]");
        java.util.List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (secretName(name)) object.put(name, "[redacted]");
            else replaceIn(object.get(name));
        }
    }

    private static boolean secretName(String name) {
        String n = name.toLowerCase(java.util.Locale.ROOT);
        return n.contains("password") || n.contains("secret") || n.contains("token");
    }

    private static com.fasterxml.jackson.databind.JsonNode randomNode(java.util.Random random, int depth) {
        String[] names = {"userName", "password", "Password", "apiToken", "client_secret", "path", "value", "op", "title", "x"};
        String[] paths = {"password", "active", "name.givenName", "urn:x:clientSecret", "emails[type eq \"work\"].value"};
        var nodes = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        int kind = depth >= 3 ? 3 + random.nextInt(3) : random.nextInt(6);
        switch (kind) {
            case 0, 1 -> {
                var o = nodes.objectNode();
                for (int k = random.nextInt(5); k > 0; k--) {
                    String name = names[random.nextInt(names.length)];
                    if (name.equals("path") && random.nextBoolean()) o.put("path", paths[random.nextInt(paths.length)]);
                    else o.set(name, randomNode(random, depth + 1));
                }
                return o;
            }
            case 2 -> {
                var a = nodes.arrayNode();
                for (int k = random.nextInt(4); k > 0; k--) a.add(randomNode(random, depth + 1));
                return a;
            }
            case 3 -> {
                return nodes.textNode(random.nextBoolean() ? "p\"é\n" : "lanyard");
            }
            case 4 -> {
                return random.nextBoolean() ? nodes.numberNode(random.nextInt(1000)) : nodes.numberNode(random.nextDouble());
            }
            default -> {
                return random.nextBoolean() ? nodes.nullNode() : nodes.booleanNode(random.nextBoolean());
            }
        }
    }

    @org.junit.jupiter.api.Test
    void token_shaped_text_is_replaced_and_other_text_kept() {
        assertThat(Redaction.redactText("Okta SCIM Client lanyard_scim_AbC-1_x")).isEqualTo("Okta SCIM Client [redacted]");
        assertThat(Redaction.redactText("Okta SCIM Client 1.0 lanyard_")).isEqualTo("Okta SCIM Client 1.0 lanyard_");
        assertThat(Redaction.redactQuery("filter=userName%20eq%20%22a%22&token=lanyard_scim_x&count=1"))
                .isEqualTo("filter=userName%20eq%20%22a%22&token=[redacted]&count=1");
        assertThat(Redaction.redactQuery("x=lanyard_scim_abc")).isEqualTo("x=[redacted]");
    }
}
