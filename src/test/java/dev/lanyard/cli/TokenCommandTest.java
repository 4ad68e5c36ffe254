package dev.lanyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TokenCommandTest {

    private static final String ISSUED = """
            {"id":"7d3c1c1e-0000-4000-8000-000000000001","label":"okta","createdAt":"2026-11-28T12:00:00Z",
             "lastUsedAt":null,"token":"lyd_s3cret","scimUrl":"http://127.0.0.1:8080/scim/v2/0f0e"}""";

    private FakeAdminServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FakeAdminServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void json_output_is_exactly_one_object_with_scimUrl_token_and_id() throws Exception {
        server.answer("POST /admin/api/orgs/acme/tokens", 201, ISSUED);

        // Options after the positional ORG, as users type them.
        var result = CliRunner.run(Map.of(), "token", "create", "acme", "--json", "--label", "okta",
                "--server", server.url(), "--token", "op-token");

        assertThat(result.err()).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).endsWith("}\n").hasLineCount(1);
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.properties()).extracting(Map.Entry::getKey).containsExactly("scimUrl", "token", "id");
        assertThat(json.get("scimUrl").asText()).isEqualTo("http://127.0.0.1:8080/scim/v2/0f0e");
        assertThat(json.get("token").asText()).isEqualTo("lyd_s3cret");
        assertThat(json.get("id").asText()).isEqualTo("7d3c1c1e-0000-4000-8000-000000000001");
    }

    @Test
    void create_sends_the_label_and_the_operator_token() throws Exception {
        server.answer("POST /admin/api/orgs/acme/tokens", 201, ISSUED);

        CliRunner.run(Map.of("LANYARD_SERVER", server.url(), "LANYARD_OPERATOR_TOKEN", "op-token"),
                "token", "create", "acme", "--label", "okta");

        var request = server.requests.getFirst();
        assertThat(request.authorization()).isEqualTo("Bearer op-token");
        assertThat(new ObjectMapper().readTree(request.body())).isEqualTo(new ObjectMapper().readTree("{\"label\":\"okta\"}"));
    }

    @Test
    void create_without_label_sends_an_empty_object() {
        server.answer("POST /admin/api/orgs/acme/tokens", 201, ISSUED);

        CliRunner.run(Map.of(), "token", "create", "acme", "--server", server.url(), "--token", "t");

        assertThat(server.requests.getFirst().body()).isEqualTo("{}");
    }

    @Test
    void human_output_shows_url_and_token_and_warns_it_is_shown_once() {
        server.answer("POST /admin/api/orgs/acme/tokens", 201, ISSUED);

        var result = CliRunner.run(Map.of(), "token", "create", "acme", "--server", server.url(), "--token", "t");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).contains("SCIM URL: http://127.0.0.1:8080/scim/v2/0f0e", "Token:    lyd_s3cret", "shown only once");
    }

    @Test
    void the_organization_is_one_encoded_path_segment() {
        server.answer("GET /admin/api/orgs/acme%20corp%2Feu/tokens", 200, "{\"tokens\":[]}");

        var result = CliRunner.run(Map.of(), "token", "list", "acme corp/eu", "--server", server.url(), "--token", "t");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("No active tokens for acme corp/eu.\n");
    }

    @Test
    void list_shows_never_for_unused_tokens() {
        server.answer("GET /admin/api/orgs/acme/tokens", 200, """
                {"tokens":[{"id":"t1","label":"okta","prefix":"lanyard_scim_Ab12Cd34","createdAt":"2026-11-28T12:00:00Z","lastUsedAt":null},
                           {"id":"t2","label":null,"createdAt":"2026-11-29T12:00:00Z","lastUsedAt":"2026-11-30T08:00:00Z"}]}""");

        var result = CliRunner.run(Map.of(), "token", "list", "acme", "--server", server.url(), "--token", "t");

        assertThat(result.out().lines().toList()).isEqualTo(List.of(
                "ID  LABEL  STARTS WITH               CREATED BY  CREATED               LAST USED",
                "t1  okta   lanyard_scim_Ab12Cd34...  -           2026-11-28T12:00:00Z  never",
                "t2  -      -                         -           2026-11-29T12:00:00Z  2026-11-30T08:00:00Z"));
    }

    @Test
    void revoke_deletes_the_token() {
        server.answer("DELETE /admin/api/orgs/acme/tokens/t1", 204, "");

        var result = CliRunner.run(Map.of(), "token", "revoke", "acme", "t1", "--server", server.url(), "--token", "t");

        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("Revoked token t1.\n");
    }

    @Test
    void a_server_error_prints_its_detail_on_stderr_and_nothing_on_stdout() {
        server.answer("POST /admin/api/orgs/nope/tokens", 404, "{\"status\":\"404\",\"detail\":\"no organization named or with id nope\"}");

        var result = CliRunner.run(Map.of(), "token", "create", "nope", "--json", "--server", server.url(), "--token", "t");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("error: no organization named or with id nope\n");
    }
}
