package dev.lanyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The CLI against the real server: the README's first five minutes, command by command. */
class CliIT {
    static final TestApp app = TestApp.start();
    static final Map<String, String> ENV = Map.of("LANYARD_SERVER", app.baseUrl(), "LANYARD_OPERATOR_TOKEN", app.operatorToken());

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_operator_sets_up_an_org_and_the_token_it_prints_provisions_a_user() throws Exception {
        ok("org", "create", "Acme Corp");
        assertThat(ok("org", "list")).contains("Acme Corp");

        CliRunner.Result refused = CliRunner.run(ENV, "token", "create", "Acme Corp", "--json");
        assertThat(refused.exitCode()).isZero();  // a token may be made before provisioning is on
        ok("provisioning", "enable", "Acme Corp");

        String json = ok("token", "create", "Acme Corp", "--label", "okta", "--json");
        JsonNode issued = new ObjectMapper().readTree(json);
        assertThat(issued.fieldNames()).toIterable().containsExactlyInAnyOrder("scimUrl", "token", "id");

        Http http = new Http(app.baseUrl());
        http.send("POST", issued.get("scimUrl").asText() + "/Users", issued.get("token").asText(),
                "{\"userName\":\"cli.user@example.com\"}").expect(201);
        assertThat(ok("account", "list", "Acme Corp")).contains("cli.user@example.com").contains("active");
        assertThat(ok("token", "list", "Acme Corp")).contains("okta").contains(issued.get("id").asText()).contains("operator");
        ok("admin", "create", "Acme Corp", "root@example.com");
        assertThat(ok("admin", "reset-password", "Acme Corp", "root@example.com"))
                .contains("Reset the password of console admin root@example.com", "Password: ");

        ok("token", "revoke", "Acme Corp", issued.get("id").asText());
        assertThat(http.send("GET", issued.get("scimUrl").asText() + "/Users", issued.get("token").asText(), (String) null).status())
                .isEqualTo(401);
    }

    @Test
    void an_operator_creates_a_console_admin_whose_password_signs_in_once_and_a_second_create_is_refused() throws Exception {
        ok("org", "create", "Console Corp");

        JsonNode created = new ObjectMapper().readTree(ok("admin", "create", "Console Corp", "ann@example.com", "--json"));

        Http http = new Http(app.baseUrl());
        Http.Response form = http.send("GET", "/console/login", null, Map.of()).expect(200);
        String cookie = form.header("Set-Cookie").split(";")[0];
        String csrf = form.body().replaceAll("(?s).*name=\"csrf\" value=\"([^\"]+)\".*", "$1");
        String body = "csrf=" + csrf + "&org=Console+Corp&email=ann%40example.com&password="
                + java.net.URLEncoder.encode(created.get("password").asText(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(http.send("POST", "/console/login", body,
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Cookie", cookie)).status()).isEqualTo(303);

        CliRunner.Result again = CliRunner.run(ENV, "admin", "create", "Console Corp", "ANN@example.com");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("already an admin");
    }

    @Test
    void an_operator_switches_the_username_change_policy_and_org_list_shows_it() {
        ok("org", "create", "Policy Corp");
        assertThat(ok("org", "list")).containsPattern("Policy Corp .* new-account ");

        assertThat(ok("org", "set-username-policy", "Policy Corp", "rename-in-place"))
                .startsWith("Username change policy of Policy Corp: rename-in-place.");
        assertThat(ok("org", "list")).containsPattern("Policy Corp .* rename-in-place ");
        assertThat(new Http(app.baseUrl()).send("GET", "/admin/api/orgs/Policy%20Corp", app.operatorToken(), (String) null)
                .json().get("usernameChangePolicy").asText()).isEqualTo("rename_in_place");

        CliRunner.Result bad = CliRunner.run(ENV, "org", "set-username-policy", "Policy Corp", "rename");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("new-account", "rename-in-place");
        CliRunner.Result missing = CliRunner.run(ENV, "org", "set-username-policy", "No Such Corp", "new-account");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no organization");
        assertThat(ok("org", "list")).containsPattern("Policy Corp .* rename-in-place ");
    }

    @Test
    void server_errors_are_printed_as_one_line_with_exit_code_1() {
        CliRunner.Result r = CliRunner.run(ENV, "provisioning", "enable", "no-such-org");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no organization");
    }

    @Test
    void a_wrong_operator_token_is_refused() {
        CliRunner.Result r = CliRunner.run(Map.of("LANYARD_SERVER", app.baseUrl(), "LANYARD_OPERATOR_TOKEN", "lanyard_op_wrong"),
                "org", "list");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("operator token");
    }

    private static String ok(String... args) {
        CliRunner.Result r = CliRunner.run(ENV, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + " -> " + r.err()).isZero();
        return r.out();
    }
}
