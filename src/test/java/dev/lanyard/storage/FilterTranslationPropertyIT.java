package dev.lanyard.storage;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Property: for random filters over random users, the server's SQL answer equals a
 * straightforward in-memory evaluation of the same filter on the users as the server returns them.
 *
 * <p>Filters and users are generated from a seeded {@link Random} (seeds below, so a failure
 * replays exactly); the failure message names the seed, the filter and the users that differ.
 * Written with plain JUnit rather than jqwik: jqwik 1.10 prints a notice asking AI agents not to
 * use it, and this test needs nothing beyond a seeded generator.
 */
class FilterTranslationPropertyIT {
    static final TestApp app = TestApp.start();
    static TestApp.Org org;
    static List<JsonNode> users = new ArrayList<>();

    static final String[] WORDS = {"ann", "Ann", "bob", "ab", "b%", "a_b", "ANNA", "zed", "é"};
    static final String[] TYPES = {"work", "home", "Work", "other"};
    static final String ENT = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

    @BeforeAll
    static void createUsers() {
        org = app.newOrg("property");
        Random r = new Random(7);
        for (int i = 0; i < 40; i++) {
            StringBuilder u = new StringBuilder("{\"userName\":\"" + word(r).replace("%", "p").replace("é", "e") + i + "@ex.com\"");
            if (r.nextInt(4) > 0) u.append(",\"externalId\":\"").append(word(r)).append("\"");
            if (r.nextInt(4) > 0) u.append(",\"displayName\":\"").append(word(r)).append(' ').append(word(r)).append("\"");
            if (r.nextBoolean()) u.append(",\"title\":\"").append(word(r)).append("\"");
            u.append(",\"active\":").append(r.nextBoolean());
            if (r.nextInt(3) > 0) u.append(",\"name\":{\"givenName\":\"").append(word(r)).append("\"}");
            int emails = r.nextInt(3);
            if (emails > 0) {
                u.append(",\"emails\":[");
                for (int e = 0; e < emails; e++) {
                    if (e > 0) u.append(',');
                    u.append("{\"value\":\"").append(word(r)).append(e).append("@Mail.com\",\"type\":\"")
                            .append(TYPES[r.nextInt(TYPES.length)]).append("\"").append(r.nextBoolean() ? ",\"primary\":true" : "").append('}');
                }
                u.append(']');
            }
            if (r.nextBoolean()) u.append(",\"").append(ENT).append("\":{\"department\":\"").append(word(r)).append("\"}");
            u.append('}');
            users.add(app.http().send("POST", org.scimPath() + "/Users", org.token(), u.toString()).expect(201).json());
        }
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void sql_answer_equals_in_memory_evaluation(long seed) {
        Random r = new Random(seed);
        for (int i = 0; i < 40; i++) {
            Generated g = filter(r, 0);
            Set<String> expected = new TreeSet<>();
            for (JsonNode u : users) if (g.test().test(u)) expected.add(u.get("id").asText());
            Set<String> actual = new TreeSet<>();
            JsonNode page = app.http().send("GET", org.scimPath() + "/Users?count=1000&filter=" + enc(g.text()), org.token(), (String) null)
                    .expect(200).json();
            page.get("Resources").forEach(u -> actual.add(u.get("id").asText()));
            assertThat(actual).as("seed %d, filter %s", seed, g.text()).isEqualTo(expected);
            assertThat(page.get("totalResults").asInt()).isEqualTo(expected.size());
        }
    }

    /** A filter's text and its in-memory meaning. */
    record Generated(String text, Predicate<JsonNode> test) {}

    static Generated filter(Random r, int depth) {
        int choice = depth >= 2 ? 3 + r.nextInt(7) : r.nextInt(10);
        return switch (choice) {
            case 0 -> {
                Generated a = filter(r, depth + 1), b = filter(r, depth + 1);
                yield new Generated("(" + a.text() + " and " + b.text() + ")", u -> a.test().test(u) && b.test().test(u));
            }
            case 1 -> {
                Generated a = filter(r, depth + 1), b = filter(r, depth + 1);
                yield new Generated("(" + a.text() + " or " + b.text() + ")", u -> a.test().test(u) || b.test().test(u));
            }
            case 2 -> {
                Generated a = filter(r, depth + 1);
                yield new Generated("not (" + a.text() + ")", u -> !a.test().test(u));
            }
            case 3 -> valuePath(r);
            case 4 -> bool(r);
            case 5 -> dateTime(r);
            default -> stringComparison(r);
        };
    }

    /** A string attribute, caseExact or not, single- or multi-valued. */
    record StringAttr(String path, boolean caseExact, java.util.function.Function<JsonNode, List<JsonNode>> values) {}

    static final List<StringAttr> STRINGS = List.of(
            new StringAttr("userName", false, u -> List.of(u.path("userName"))),
            new StringAttr("externalId", true, u -> List.of(u.path("externalId"))),
            new StringAttr("displayName", false, u -> List.of(u.path("displayName"))),
            new StringAttr("title", false, u -> List.of(u.path("title"))),
            new StringAttr("name.givenName", false, u -> List.of(u.path("name").path("givenName"))),
            new StringAttr("emails.value", false, u -> elements(u.path("emails"), "value")),
            new StringAttr("emails.type", false, u -> elements(u.path("emails"), "type")),
            new StringAttr("emails", false, u -> elements(u.path("emails"), "value")),
            new StringAttr(ENT + ":department", false, u -> List.of(u.path(ENT).path("department"))));

    static final String[] STRING_OPS = {"eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le", "pr"};

    static Generated stringComparison(Random r) {
        StringAttr a = STRINGS.get(r.nextInt(STRINGS.size()));
        String op = STRING_OPS[r.nextInt(STRING_OPS.length)];
        String value = r.nextInt(4) == 0 ? word(r) + "0@mail.com" : word(r);
        Predicate<JsonNode> some = u -> a.values().apply(u).stream().anyMatch(v -> stringMatches(v, op, value, a.caseExact()));
        Predicate<JsonNode> test = op.equals("ne") ? u -> a.values().apply(u).stream().noneMatch(v -> stringMatches(v, "eq", value, a.caseExact())) : some;
        String text = op.equals("pr") ? a.path() + " pr" : a.path() + " " + op + " \"" + value + "\"";
        return new Generated(text, test);
    }

    static boolean stringMatches(JsonNode node, String op, String value, boolean caseExact) {
        if (op.equals("pr")) return node.isTextual() && !node.asText().isEmpty();
        if (!node.isTextual()) return false;
        String x = caseExact ? node.asText() : node.asText().toLowerCase(Locale.ROOT);
        String v = caseExact ? value : value.toLowerCase(Locale.ROOT);
        return switch (op) {
            case "eq" -> x.equals(v);
            case "co" -> x.contains(v);
            case "sw" -> x.startsWith(v);
            case "ew" -> x.endsWith(v);
            case "gt" -> x.compareTo(v) > 0;
            case "ge" -> x.compareTo(v) >= 0;
            case "lt" -> x.compareTo(v) < 0;
            case "le" -> x.compareTo(v) <= 0;
            default -> throw new IllegalArgumentException(op);
        };
    }

    static Generated bool(Random r) {
        boolean value = r.nextBoolean();
        String op = r.nextBoolean() ? "eq" : "ne";
        Predicate<JsonNode> eq = u -> u.path("active").isBoolean() && u.path("active").asBoolean() == value;
        return new Generated("active " + op + " " + value, op.equals("eq") ? eq : eq.negate());
    }

    static Generated dateTime(Random r) {
        // a threshold somewhere among the users' creation times
        JsonNode pivot = users.get(r.nextInt(users.size()));
        OffsetDateTime t = OffsetDateTime.parse(pivot.at("/meta/created").asText());
        String op = new String[]{"gt", "ge", "lt", "le", "eq"}[r.nextInt(5)];
        return new Generated("meta.created " + op + " \"" + t + "\"", u -> {
            int c = OffsetDateTime.parse(u.at("/meta/created").asText()).compareTo(t);
            return switch (op) {
                case "gt" -> c > 0;
                case "ge" -> c >= 0;
                case "lt" -> c < 0;
                case "le" -> c <= 0;
                default -> c == 0;
            };
        });
    }

    static Generated valuePath(Random r) {
        String type = TYPES[r.nextInt(TYPES.length)];
        String fragment = word(r);
        String op = r.nextBoolean() ? "co" : "sw";
        return new Generated("emails[type eq \"" + type + "\" and value " + op + " \"" + fragment + "\"]", u -> {
            for (JsonNode e : u.path("emails")) {
                boolean typeOk = stringMatches(e.path("type"), "eq", type, false);
                boolean valueOk = stringMatches(e.path("value"), op, fragment, false);
                if (typeOk && valueOk) return true;
            }
            return false;
        });
    }

    static List<JsonNode> elements(JsonNode array, String sub) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : array) out.add(e.path(sub));
        return out;
    }

    static String word(Random r) {
        return WORDS[r.nextInt(WORDS.length)];
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
