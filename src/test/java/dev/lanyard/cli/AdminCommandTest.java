package dev.lanyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdminCommandTest {

    private static final String CREATED = """
            {"id":"5a1d0000-0000-4000-8000-000000000001","email":"ann@example.com","password":"abcde-fghjk-mnpqr-stuvw",
             "loginUrl":"http://127.0.0.1:8080/console/login"}""";

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
    void create_posts_the_email_to_the_organizations_admins_with_the_operator_token() throws Exception {
        server.answer("POST /admin/api/orgs/acme%20corp/admins", 201, CREATED);

        var result = CliRunner.run(Map.of("LANYARD_SERVER", server.url(), "LANYARD_OPERATOR_TOKEN", "op-token"),
                "admin", "create", "acme corp", "ann@example.com");

        assertThat(result.exitCode()).isZero();
        var request = server.requests.getFirst();
        assertThat(request.authorization()).isEqualTo("Bearer op-token");
        assertThat(new ObjectMapper().readTree(request.body())).isEqualTo(new ObjectMapper().readTree("{\"email\":\"ann@example.com\"}"));
    }

    @Test
    void human_output_shows_the_password_where_to_sign_in_and_that_it_is_shown_once() {
        server.answer("POST /admin/api/orgs/acme/admins", 201, CREATED);

        var result = CliRunner.run(Map.of(), "admin", "create", "acme", "ann@example.com", "--server", server.url(), "--token", "t");

        assertThat(result.out()).contains("ann@example.com", "Password: abcde-fghjk-mnpqr-stuvw",
                "Sign in:  http://127.0.0.1:8080/console/login", "shown only once");
    }

    @Test
    void json_output_is_exactly_one_object_with_id_email_and_password() throws Exception {
        server.answer("POST /admin/api/orgs/acme/admins", 201, CREATED);

        var result = CliRunner.run(Map.of(), "admin", "create", "acme", "ann@example.com", "--json", "--server", server.url(), "--token", "t");

        assertThat(result.out()).hasLineCount(1);
        JsonNode json = new ObjectMapper().readTree(result.out());
        assertThat(json.properties()).extracting(Map.Entry::getKey).containsExactly("id", "email", "password");
        assertThat(json.get("password").asText()).isEqualTo("abcde-fghjk-mnpqr-stuvw");
    }

    @Test
    void an_email_already_taken_prints_the_servers_detail_and_exits_1() {
        server.answer("POST /admin/api/orgs/acme/admins", 409,
                "{\"status\":\"409\",\"detail\":\"ann@example.com is already an admin of this organization\"}");

        var result = CliRunner.run(Map.of(), "admin", "create", "acme", "ann@example.com", "--server", server.url(), "--token", "t");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).isEqualTo("error: ann@example.com is already an admin of this organization\n");
    }
}
