package dev.lanyard.domain;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The stored form of who acted, written and read in one place. */
class ActorTest {
    private static final UUID ID = UUID.fromString("2819c223-7f76-453a-919d-413861904646");

    @Test
    void each_actor_is_stored_in_its_documented_form_and_read_back() {
        assertThat(new Actor.ScimToken(ID).text()).isEqualTo("scim:token:2819c223-7f76-453a-919d-413861904646");
        assertThat(new Actor.Admin(ID).text()).isEqualTo("console:2819c223-7f76-453a-919d-413861904646");
        assertThat(Actor.OPERATOR.text()).isEqualTo("operator");
        for (Actor a : List.of(new Actor.ScimToken(ID), new Actor.Admin(ID), Actor.OPERATOR)) {
            assertThat(Actor.parse(a.text())).isEqualTo(a);
        }
    }

    @Test
    void text_it_does_not_know_is_kept_as_recorded() {
        for (String text : List.of("scim:2819c223-7f76-453a-919d-413861904646", "scim:token:nope", "console:",
                "console:2819C223-7F76-453A-919D-413861904646", "Operator", "")) {
            assertThat(Actor.parse(text)).isEqualTo(new Actor.Unrecognised(text));
            assertThat(Actor.parse(text).text()).isEqualTo(text);
        }
        assertThat(Actor.parse(null)).isEqualTo(new Actor.Unrecognised(""));
    }
}
