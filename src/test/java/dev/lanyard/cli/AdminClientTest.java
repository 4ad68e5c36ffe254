package dev.lanyard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The org, provisioning and account commands against a fake admin API. */
class AdminClientTest {

    private static final String ACME = """
            {"id":"0f0e","name":"acme","provisioningEnabled":%s,"usernameChangePolicy":"new_account","scimUrl":"http://h/scim/v2/0f0e",
             "createdAt":"2026-11-28T12:00:00Z"}""";

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
    void org_create_posts_the_name_and_prints_the_scim_url() {
        server.answer("POST /admin/api/orgs", 201, ACME.formatted(false));

        var result = run("org", "create", "acme");

        assertThat(result.exitCode()).isZero();
        assertThat(server.requests.getFirst().body()).isEqualTo("{\"name\":\"acme\"}");
        assertThat(result.out()).contains("Created organization acme (0f0e).", "SCIM URL: http://h/scim/v2/0f0e");
    }

    @Test
    void org_create_conflict_prints_the_detail() {
        server.answer("POST /admin/api/orgs", 409, "{\"status\":\"409\",\"detail\":\"an organization named acme exists\"}");

        var result = run("org", "create", "acme");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: an organization named acme exists\n");
    }

    @Test
    void org_list_prints_a_table() {
        server.answer("GET /admin/api/orgs", 200, "{\"organizations\":[" + ACME.formatted(true) + "]}");

        var result = run("org", "list");

        assertThat(result.out().lines().toList()).isEqualTo(List.of(
                "NAME  ID    PROVISIONING  USERNAME CHANGE  SCIM URL               CREATED",
                "acme  0f0e  enabled       new-account      http://h/scim/v2/0f0e  2026-11-28T12:00:00Z"));
    }

    @Test
    void org_set_username_policy_patches_the_org_with_the_api_spelling_and_says_what_it_means() {
        server.answer("PATCH /admin/api/orgs/acme%20corp", 200,
                ACME.formatted(true).replace("new_account", "rename_in_place").replace("\"acme\"", "\"acme corp\""));

        var result = run("org", "set-username-policy", "acme corp", "Rename-In-Place");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(server.requests.getFirst().body()).isEqualTo("{\"usernameChangePolicy\":\"rename_in_place\"}");
        assertThat(result.out()).isEqualTo("""
                Username change policy of acme corp: rename-in-place.
                A username change gives the same account the new username as its email; its id and history stay.
                """);
    }

    @Test
    void org_set_username_policy_refuses_an_unknown_policy_before_calling_the_server() {
        var result = run("org", "set-username-policy", "acme", "merge");

        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("new-account", "rename-in-place", "'merge'");
        assertThat(server.requests).isEmpty();
    }

    @Test
    void provisioning_enable_and_disable_put_the_flag() {
        server.answer("PUT /admin/api/orgs/acme/provisioning", 200, ACME.formatted(true));

        var enabled = run("provisioning", "enable", "acme");
        run("provisioning", "disable", "acme");

        assertThat(enabled.out()).isEqualTo("Provisioning enabled for acme.\n");
        assertThat(server.requests).extracting(FakeAdminServer.Request::body)
                .containsExactly("{\"enabled\":true}", "{\"enabled\":false}");
    }

    @Test
    void account_list_fetches_every_page_with_the_status_filter() {
        String account = """
                {"id":"a%1$d","email":"u%1$d@acme.test","status":"invalidated","scimId":null,"externalId":"00u%1$d",
                 "successorId":null,"createdAt":"2026-11-28T12:00:00Z","updatedAt":"2026-11-29T12:00:00Z"}""";
        StringBuilder firstPage = new StringBuilder();
        for (int i = 1; i <= 100; i++) firstPage.append(i > 1 ? "," : "").append(account.formatted(i));
        server.answer("GET /admin/api/orgs/acme/accounts?status=invalidated&startIndex=1&count=100", 200,
                "{\"totalResults\":101,\"accounts\":[" + firstPage + "]}");
        server.answer("GET /admin/api/orgs/acme/accounts?status=invalidated&startIndex=101&count=100", 200,
                "{\"totalResults\":101,\"accounts\":[" + account.formatted(101) + "]}");

        var result = run("account", "list", "acme", "--status", "INVALIDATED");

        assertThat(result.err()).isEmpty();
        assertThat(server.requests).hasSize(2);
        assertThat(result.out()).contains("a101  u101@acme.test  invalidated  -        00u101").endsWith("101 accounts\n");
    }

    @Test
    void account_delete_of_an_active_account_shows_why_it_was_refused() {
        server.answer("DELETE /admin/api/orgs/acme/accounts/a1", 409,
                "{\"status\":\"409\",\"detail\":\"account a1 is active: deprovision it in the identity provider first\"}");

        var result = run("account", "delete", "acme", "a1");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: account a1 is active: deprovision it in the identity provider first\n");
    }

    @Test
    void an_error_without_a_json_body_reports_the_status() {
        server.answer("GET /admin/api/orgs", 502, "<html>Bad Gateway</html>");

        var result = run("org", "list");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: HTTP 502 from GET " + server.url() + "/admin/api/orgs\n");
    }

    @Test
    void an_answer_of_another_shape_is_reported_as_a_version_mismatch() {
        server.answer("GET /admin/api/orgs", 200, "{\"orgs\":[]}");

        var result = run("org", "list");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("unexpected answer from the server (no \"organizations\")");
    }

    @Test
    void a_server_that_is_not_running_gets_a_hint() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        var result = CliRunner.run(Map.of(), "org", "list", "--server", "http://127.0.0.1:" + closedPort, "--token", "t");

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("error: cannot reach the Lanyard server at http://127.0.0.1:" + closedPort
                + ": is `bin/lanyard serve` running?\n");
    }

    private CliRunner.Result run(String... args) {
        return CliRunner.run(Map.of("LANYARD_SERVER", server.url(), "LANYARD_OPERATOR_TOKEN", "op"), args);
    }
}
