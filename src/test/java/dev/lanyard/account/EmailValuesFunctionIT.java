package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * V111 rewrote scim_email_values, the expression of the GIN index behind {@code emails.value eq},
 * without rebuilding the index: the new function must give exactly what V1's gave for every
 * document, or lookups would miss rows the index was built with. Compared on random documents,
 * seeded, with V1's body inlined as the reference.
 */
class EmailValuesFunctionIT {
    static final TestApp app = TestApp.start();
    static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The body of V1's scim_email_values, as a scalar subquery over {@code d}. */
    static final String V1_BODY = """
            (select coalesce(array_agg(lower(e ->> 'value')), '{}') from jsonb_array_elements(
                 case when jsonb_typeof(d -> 'emails') = 'array' then d -> 'emails' else '[]'::jsonb end) e)""";

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void gives_what_the_first_version_gave_for_any_document() {
        Random random = new Random(20261203L);
        ArrayNode documents = F.arrayNode();
        for (int i = 0; i < 2_000; i++) documents.add(document(random));
        long differing = app.count("select count(*) from jsonb_array_elements(?::jsonb) d where scim_email_values(d) is distinct from "
                + V1_BODY, documents.toString());
        assertThat(differing).isZero();
        // The generator does reach every branch: NULL elements, non-array emails, several values.
        assertThat(app.count("select count(*) from jsonb_array_elements(?::jsonb) d where array_position(scim_email_values(d), null) is not null",
                documents.toString())).isPositive();
        assertThat(app.count("select count(*) from jsonb_array_elements(?::jsonb) d where jsonb_typeof(d -> 'emails') <> 'array'",
                documents.toString())).isPositive();
        assertThat(app.count("select count(*) from jsonb_array_elements(?::jsonb) d where cardinality(scim_email_values(d)) > 2",
                documents.toString())).isPositive();
    }

    /** Planned and parsed again at every row written was the reason for V111 (docs/performance.md). */
    @Test
    void is_not_a_sql_function() {
        assertThat(app.queryString("select l.lanname from pg_proc p join pg_language l on l.oid = p.prolang where p.proname = 'scim_email_values'"))
                .isEqualTo("plpgsql");
    }

    static ObjectNode document(Random random) {
        ObjectNode d = F.objectNode();
        d.put("userName", "u" + random.nextInt(1000));
        switch (random.nextInt(8)) {
            case 0 -> { }                                           // no emails at all
            case 1 -> d.putNull("emails");
            case 2 -> d.set("emails", email(random));               // an object where an array belongs
            case 3 -> d.put("emails", "Ada@Example.com");
            default -> {
                ArrayNode emails = d.putArray("emails");
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    switch (random.nextInt(6)) {
                        case 0 -> emails.add("Bare@Example.com");
                        case 1 -> emails.add(random.nextInt(100));
                        case 2 -> emails.addArray().add(email(random));
                        default -> emails.add(email(random));
                    }
                }
            }
        }
        return d;
    }

    static ObjectNode email(Random random) {
        ObjectNode e = F.objectNode();
        switch (random.nextInt(7)) {
            case 0 -> { }                                           // no value
            case 1 -> e.putNull("value");
            case 2 -> e.put("value", random.nextInt(1000));
            case 3 -> e.put("value", random.nextBoolean());
            case 4 -> e.put("value", "Ünïcödé.ÉCOLE" + random.nextInt(100) + "@Example.org");
            default -> e.put("value", "User" + random.nextInt(100_000) + "@EXAMPLE.com");
        }
        if (random.nextBoolean()) e.put("type", random.nextBoolean() ? "work" : "home");
        if (random.nextInt(3) == 0) e.put("primary", true);
        return e;
    }
}
