package dev.lanyard.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * COPY's text format read back as PostgreSQL reads it (the COPY reference page, "Text Format"):
 * rows end at a newline, fields at a tab, {@code \N} alone is NULL, and a backslash takes the
 * next character ({@code \n}, {@code \r}, {@code \t} as those characters). Seeded random rows of
 * values full of those characters come back as they went in. ProvisioningLogBatchIT stores such
 * rows in PostgreSQL.
 */
class CopyRowsTest {
    private static final char[] ALPHABET = {'a', 'Z', '0', ' ', '\\', '\n', '\r', '\t', 'N', '.', 'ë', '€', '"', ',', '{'};

    @Test
    void rows_read_back_as_written() {
        Random random = new Random(16);
        for (int round = 0; round < 2_000; round++) {
            List<List<String>> rows = new ArrayList<>();
            CopyRows copy = new CopyRows(64);
            for (int r = 1 + random.nextInt(4); r > 0; r--) {
                List<String> row = new ArrayList<>();
                for (int f = 1 + random.nextInt(5); f > 0; f--) {
                    String value = random.nextInt(6) == 0 ? null : randomText(random);
                    row.add(value);
                    if (random.nextBoolean()) copy.add(value); else copy.add(Optional.ofNullable(value));
                }
                copy.endRow();
                rows.add(row);
            }
            assertThat(read(copy.text())).as(copy.text()).isEqualTo(rows);
        }
    }

    @Test
    void the_characters_that_end_a_field_or_a_row_are_escaped() {
        CopyRows copy = new CopyRows(16).add("a\tb").add("c\nd\re\\f").add((Object) null).add("\\N").add(42).endRow();
        assertThat(copy.text()).isEqualTo("a\\tb\tc\\nd\\re\\\\f\t\\N\t\\\\N\t42\n");
    }

    private static String randomText(Random random) {
        char[] text = new char[random.nextInt(8)];
        for (int i = 0; i < text.length; i++) text[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        return new String(text);
    }

    /** PostgreSQL's reading of the text format, for the escapes CopyRows writes. */
    private static List<List<String>> read(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean escapedOnly = false;  // whether the field so far is exactly the two characters \N
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch == '\\') {
                char next = text.charAt(++i);
                if (next == 'N' && field.isEmpty() && (i + 1 == text.length() || text.charAt(i + 1) == '\t' || text.charAt(i + 1) == '\n')) {
                    escapedOnly = true;
                    continue;
                }
                field.append(switch (next) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    default -> next;
                });
            } else if (ch == '\t' || ch == '\n') {
                row.add(escapedOnly ? null : field.toString());
                field.setLength(0);
                escapedOnly = false;
                if (ch == '\n') {
                    rows.add(row);
                    row = new ArrayList<>();
                }
            } else {
                field.append(ch);
            }
        }
        assertThat(row).as("text ends with a newline: " + Arrays.toString(text.toCharArray())).isEmpty();
        return rows;
    }
}
