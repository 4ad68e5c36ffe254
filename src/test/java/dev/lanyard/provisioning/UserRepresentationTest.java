package dev.lanyard.provisioning;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.account.AccountStatus;
import dev.lanyard.account.ManagedAccount;
import dev.lanyard.account.StoredAttributes;
import dev.lanyard.group.GroupService;
import dev.lanyard.scim.Projection;
import dev.lanyard.scim.ScimJson;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * UserRepresentation.write, the streamed User of a lookup's page, says what render and
 * UserGroups.attachBeside say through a tree: the same members in the same order, for seeded
 * random attributes, given as a tree or as stored text (compact, and spaced as jsonb writes it).
 */
class UserRepresentationTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** Reads both sides into plain nodes (the SCIM mapper's are case-insensitive ones, never equal to plain ones). */
    private static final ObjectMapper PLAIN = new ObjectMapper();
    private static final String EXT = ScimJson.ENTERPRISE_USER_SCHEMA;
    private static final String GROUPS_URL = "https://id.example/scim/v2/o/Groups";
    private static final String USERS_URL = "https://id.example/scim/v2/o/Users";

    @Test
    void the_streamed_user_is_the_rendered_one_for_random_attributes() throws Exception {
        Random random = new Random(16);
        for (int i = 0; i < 2_000; i++) {
            ObjectNode attributes = randomAttributes(random);
            List<GroupService.Membership> groups = new ArrayList<>();
            UUID scimId = UUID.randomUUID();
            for (int g = random.nextInt(3) - 1; g > 0; g--) groups.add(new GroupService.Membership(scimId, UUID.randomUUID(), text(random)));
            JsonNode expected = rendered(account(scimId, StoredAttributes.of(attributes.deepCopy())), groups);
            String compact = attributes.toString();
            for (StoredAttributes stored : List.of(StoredAttributes.of(attributes.deepCopy()), StoredAttributes.fromDatabase(compact),
                    StoredAttributes.fromDatabase(spaced(attributes)))) {
                JsonNode streamed = streamed(account(scimId, stored), groups);
                assertThat(streamed).as(compact).isEqualTo(expected);
                assertThat(names(streamed)).as(compact).isEqualTo(names(expected));
            }
        }
    }

    @Test
    void stored_text_is_copied_only_until_the_tree_is_handed_out() {
        StoredAttributes stored = StoredAttributes.fromDatabase("{\"title\": \"" + EXT + "\"}");
        assertThat(stored.has(EXT)).as("a value that names the extension is not the extension").isFalse();
        assertThat(StoredAttributes.fromDatabase("{\"a\": 1, \"" + EXT + "\": {}}").has(EXT)).isTrue();
        assertThat(stored.untouchedText()).isPresent();
        stored.tree().put("title", "changed");
        assertThat(stored.untouchedText()).as("the tree may have been changed").isEmpty();
        assertThat(stored.tree().get("title").asText()).isEqualTo("changed");
        assertThat(stored).isEqualTo(StoredAttributes.of((ObjectNode) NODES.objectNode().put("title", "changed")));
    }

    private static JsonNode rendered(ManagedAccount account, List<GroupService.Membership> groups) throws Exception {
        ObjectNode user = UserRepresentation.render(account, USERS_URL);
        String beside = groups.isEmpty() ? null : ScimJson.MAPPER.writeValueAsString(
                groups.stream().map(m -> List.of(m.groupId().toString(), m.displayName())).toList());
        UserGroups.attachBeside(List.of(user), beside == null ? Map.of() : Map.of(account.scimId().orElseThrow(), beside),
                Projection.parse(null, null), GROUPS_URL);
        return PLAIN.readTree(user.toString());
    }

    private static JsonNode streamed(ManagedAccount account, List<GroupService.Membership> groups) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = ScimJson.MAPPER.getFactory().createGenerator(bytes)) {
            UserRepresentation.write(out, account, USERS_URL, groups, GROUPS_URL);
        }
        return PLAIN.readTree(bytes.toByteArray());
    }

    private static ManagedAccount account(UUID scimId, StoredAttributes attributes) {
        Instant at = Instant.parse("2026-12-06T03:00:00.123456Z");
        return new ManagedAccount(UUID.randomUUID(), UUID.randomUUID(), "ada@example.com", AccountStatus.ACTIVE, Optional.of(scimId),
                Optional.empty(), Optional.empty(), attributes, 3, at, Optional.empty(), at, at);
    }

    private static ObjectNode randomAttributes(Random random) {
        ObjectNode out = NODES.objectNode();
        String[] names = {"displayName", "title", "nickName", "locale", "emails", "name", "phoneNumbers", "x509Certificates"};
        for (int k = random.nextInt(names.length + 1); k > 0; k--) {
            String name = names[random.nextInt(names.length)];
            switch (name) {
                case "name" -> out.putObject("name").put("givenName", text(random)).put("familyName", text(random));
                case "emails", "phoneNumbers" -> {
                    ArrayNode values = out.putArray(name);
                    for (int v = random.nextInt(3); v > 0; v--) values.addObject().put("value", text(random)).put("primary", random.nextBoolean());
                }
                default -> out.put(name, text(random));
            }
        }
        if (random.nextBoolean()) {
            ObjectNode ext = out.putObject(EXT);
            if (random.nextBoolean()) ext.put("department", text(random));
            if (random.nextBoolean()) ext.putObject("manager").put("value", text(random));
            if (random.nextBoolean()) ext.put("costCenter", random.nextInt(1000));
        }
        return out;
    }

    /** Text a client may send: quotes, backslashes, control and non-ASCII characters, the extension's URN. */
    private static String text(Random random) {
        String[] parts = {"Ada", "\"", "\\", "\n", "\u0001", "é", "Ω", "😀", "\u2028", EXT, "\": {", " ", "</script>"};
        StringBuilder s = new StringBuilder();
        for (int n = random.nextInt(5); n >= 0; n--) s.append(parts[random.nextInt(parts.length)]);
        return s.toString();
    }

    /** The text with a space after each member's colon and comma, as jsonb writes it (outside strings). */
    private static String spaced(JsonNode node) {
        String compact = node.toString();
        StringBuilder out = new StringBuilder();
        boolean inString = false;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            out.append(c);
            if (inString) {
                if (c == '\\') out.append(compact.charAt(++i));
                else if (c == '"') inString = false;
            } else if (c == '"') {
                inString = true;
            } else if (c == ':' || c == ',') {
                out.append(' ');
            }
        }
        return out.toString();
    }

    private static List<String> names(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
