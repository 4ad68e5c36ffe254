package dev.lanyard.scim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Filters the SDK alone would accept or mis-read: each is 400 invalidFilter saying what is wrong. */
class ScimFiltersTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            # filter                               | detail starts with
            userName eq a"                         | the filter has a string without its closing "
            userName eq "a                         | the filter has a string without its closing "
            emails[type eq "work"                  | the filter has a [ without its closing ]
            emails[type eq "work"]]                | the filter has a ] without a [ at position 23
            (userName eq "a"                       | the filter has a ( without its closing )
            userName eq "a")                       | the filter has a ) without a ( at position 16
            userName eq "a" trailing               | the filter cannot be parsed: Unexpected character 'trailing' at position 16
            userName eq "a" and                    | the filter cannot be parsed: Unexpected end of filter string
            userName eq "a""                       | the filter has a string without its closing "
            `userName eq "\\u0000"`                | a filter value contains U+0000 (NUL), which no stored value can contain: userName
            `emails[value eq "a\\u0000"]`          | a filter value contains U+0000 (NUL), which no stored value can contain: value
            userName eq a[b                        | the filter has a [ without its closing ]
            """)
    void a_malformed_filter_is_invalidFilter_naming_the_problem(String filter, String detail) {
        var e = catchThrowableOfType(BadRequestException.class, () -> ScimFilters.parse(filter));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
        assertThat(e.getScimError().getDetail()).startsWith(detail);
        assertThat(e.getScimError().getDetail()).doesNotContain("com.", "Exception", "REDACTED");
    }

    @Test
    void control_characters_are_named() {
        for (char c : new char[] {0, 1, '\n', '\t', 0x7f}) {
            var e = catchThrowableOfType(BadRequestException.class, () -> ScimFilters.parse("userName eq \"a\" " + c));

            assertThat(e.getScimError().getScimType()).isEqualTo("invalidFilter");
            assertThat(e.getScimError().getDetail()).startsWith("the filter contains the control character U+00"
                    + String.format("%02X", (int) c)).contains("at position 17");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            userName eq "a\\"b"                               | userName eq "a\\"b"
            emails[type eq "work" and value co "[x]"]         | emails[(type eq "work" and value co "[x]")]
            externalId eq jyoung                              | externalId eq "jyoung"
            meta.created gt 2015-10-10T14:38:21.86-07:00      | meta.created gt "2015-10-10T14:38:21.86-07:00"
            displayName eq "(not a paren)"                    | displayName eq "(not a paren)"
            """)
    void valid_filters_and_the_unquoted_values_Entra_sends_still_parse(String filter, String parsed) throws Exception {
        assertThat(ScimFilters.parse(filter).toString()).isEqualTo(parsed);
    }
}
