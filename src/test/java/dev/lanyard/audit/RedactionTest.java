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
    }
}
