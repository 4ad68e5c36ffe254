package dev.lanyard.http;

import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** An unknown path answers in the shape of the API it is under, not in Javalin's plain text. */
class UnknownPathsIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_unknown_scim_path_is_a_scim_error() {
        TestApp.Org org = app.newOrg("unknown-paths");
        Http.Response r = app.http().send("GET", org.scimPath() + "/Nothing", org.token(), (String) null);

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("application/scim+json");
        assertThat(r.json().get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
    }

    @Test
    void an_unknown_admin_api_path_is_an_admin_api_error() {
        Http.Response r = app.http().send("GET", "/admin/api/nothing", app.operatorToken(), (String) null);

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("status").asText()).isEqualTo("404");
    }

    @Test
    void an_unknown_console_path_is_an_html_page() {
        Http.Response r = app.http().send("GET", "/console/nothing", null, Map.of());

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.header("Content-Type")).startsWith("text/html");
    }
}
