package dev.lanyard.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryEncodingTest {
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            filter=%                    | a % is not followed by two hex digits
            filter=%2                   | a % is not followed by two hex digits
            filter=%zz                  | a % is not followed by two hex digits
            filter=%C3%28               | a %-encoded sequence is not UTF-8
            """)
    void a_malformed_query_names_the_problem(String query, String problem) {
        assertThat(QueryEncoding.problem(query)).contains(problem);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"filter=userName%20eq%20%22ann%40example.com%22", "count=2&startIndex=1", "cursor=",
            "filter=displayName+eq+%22Zo%C3%AB%22", "attributes=emails,name.givenName", "filter=displayName eq \"山田\"", "filter=userName%20eq%20%22a%22%00"})
    void a_well_formed_query_passes(String query) {
        assertThat(QueryEncoding.problem(query)).isEmpty();
    }

    /** The ASCII fast path answers exactly as the full check, for any mix of the characters that matter. */
    @org.junit.jupiter.api.Test
    void the_fast_path_agrees_with_the_full_check() {
        String[] pieces = {"a", "Z", "9", "%", "%2", "%20", "%7E", "%7e", "%80", "%C3", "%A9", "%C3%A9", "%E2%82%AC", "%F0%9F%98%80",
            "%G0", "%0G", "&", "=", "+", "é", "€", "\uD83D\uDE00", "\uD83D", "~", "\"", "%22", "%25", " "};
        java.util.Random random = new java.util.Random(16);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder q = new StringBuilder();
            for (int n = random.nextInt(8); n >= 0; n--) q.append(pieces[random.nextInt(pieces.length)]);
            String query = q.toString();
            assertThat(QueryEncoding.problem(query)).as(query).isEqualTo(QueryEncoding.decodedProblem(query));
        }
    }
}
