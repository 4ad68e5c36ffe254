package dev.lanyard.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.unboundid.scim2.common.exceptions.PreconditionFailedException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** If-Match / If-None-Match against our weak ETags W/"N" (RFC 7644 §3.14). */
class ETagsTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            W/"3"          | 3
            "3"            | 3
            3              | 3
            `  W/"42"  `   | 42
            W/"9223372036854775807" | 9223372036854775807
            """)
    void a_tag_names_its_version(String tag, long version) {
        assertThat(ETags.version(tag)).contains(version);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"W/\"abc\"", "W/\"\"", "W/", "\"", "w/\"3\"", "W/\"3", "W/\"1\", W/\"2\"", "W/\"99999999999999999999\""})
    void a_tag_that_is_not_one_of_ours_has_no_version(String tag) {
        assertThat(ETags.version(tag)).isEmpty();
    }

    @ParameterizedTest(name = "[{0}]")
    @NullSource
    @ValueSource(strings = {"", "   ", "*", " * "})
    void an_absent_or_star_If_Match_puts_no_condition(String header) throws Exception {
        assertThat(ETags.ifMatch(header)).isEmpty();
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            W/"7"   | 7
            "7"     | 7
            """)
    void If_Match_demands_the_version_it_names(String header, long version) throws Exception {
        assertThat(ETags.ifMatch(header)).contains(version);
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"W/\"abc\"", "\"v1\"", "W/\"1\", W/\"2\""})
    void an_If_Match_that_names_no_version_of_ours_is_412_and_says_what_to_send(String header) {
        var e = catchThrowableOfType(PreconditionFailedException.class, () -> ETags.ifMatch(header));

        assertThat(e.getScimError().getStatus()).isEqualTo(412);
        assertThat(e.getScimError().getDetail()).isEqualTo("If-Match " + header
                + " is not a version of this resource; send the ETag (meta.version) you received");
    }

    @ParameterizedTest(name = "[{0}] against version {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "NULL", textBlock = """
            W/"4"              | 4 | true
            W/"3"              | 4 | false
            "4"                | 4 | true
            *                  | 4 | true
            W/"3", W/"4"       | 4 | true
            W/"3",W/"5"        | 4 | false
            W/"x", *           | 4 | true
            W/"x"              | 4 | false
            ``                 | 4 | false
            NULL               | 4 | false
            """)
    void If_None_Match_matches_the_current_version_or_star(String header, long current, boolean matches) {
        assertThat(ETags.noneMatch(header, current)).isEqualTo(matches);
    }
}
