package dev.lanyard.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.unboundid.scim2.common.exceptions.BadRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** startIndex / count (RFC 7644 §3.4.2.4). */
class PagingTest {

    @ParameterizedTest(name = "startIndex={0} count={1} -> {2},{3}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "NULL", textBlock = """
            # startIndex    | count       | startIndex | count
            NULL            | NULL        | 1          | 100
            ``              | ``          | 1          | 100
            1               | 2           | 1          | 2
            101             | 100         | 101        | 100
            6               | 5           | 6          | 5
            0               | 10          | 1          | 10
            -5              | 10          | 1          | 10
            1               | 0           | 1          | 0
            1               | -1          | 1          | 0
            1               | 1000        | 1          | 1000
            1               | 1001        | 1          | 1000
            1               | 99999999999 | 1          | 1000
            99999999999     | 1           | 2147483647 | 1
            -99999999999    | -99999999999 | 1         | 0
            ` 7 `           | ` 3 `       | 7          | 3
            +2              | +4          | 2          | 4
            """)
    void startIndex_and_count_are_read_and_clamped(String startIndex, String count, int expectedStart, int expectedCount)
            throws Exception {
        assertThat(Paging.of(startIndex, count)).isEqualTo(new Paging(expectedStart, expectedCount));
    }

    @Test
    void the_advertised_limits_are_100_by_default_and_1000_at_most() {
        assertThat(Paging.DEFAULT_COUNT).isEqualTo(100);
        assertThat(Paging.MAX_COUNT).isEqualTo(1000);
    }

    @ParameterizedTest(name = "startIndex={0} -> offset {1}")
    @CsvSource(textBlock = """
            1,          0
            101,        100
            2147483647, 2147483646
            """)
    void the_offset_is_startIndex_minus_one(String startIndex, int offset) throws Exception {
        assertThat(Paging.of(startIndex, null).offset()).isEqualTo(offset);
    }

    @ParameterizedTest(name = "startIndex={0} count={1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "NULL", textBlock = """
            # startIndex | count | detail
            abc          | 10    | startIndex must be an integer, got "abc"
            1.5          | 10    | startIndex must be an integer, got "1.5"
            1            | ten   | count must be an integer, got "ten"
            1            | 2e3   | count must be an integer, got "2e3"
            NULL         | 0x10  | count must be an integer, got "0x10"
            """)
    void a_value_that_is_not_an_integer_is_invalidValue_naming_the_parameter(String startIndex, String count, String detail) {
        var e = catchThrowableOfType(BadRequestException.class, () -> Paging.of(startIndex, count));

        assertThat(e.getScimError().getScimType()).isEqualTo("invalidValue");
        assertThat(e.getScimError().getDetail()).isEqualTo(detail);
    }
}
