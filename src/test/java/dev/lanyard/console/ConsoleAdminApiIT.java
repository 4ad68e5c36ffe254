package dev.lanyard.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanyard.testing.Http;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** POST /admin/api/orgs/{org}/admins: the operator creates console admins. */
class ConsoleAdminApiIT {
    static final TestApp app = TestApp.start();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void creating_an_admin_answers_201_with_a_one_time_password_and_stores_only_its_bcrypt_hash() {
        TestApp.Org org = app.newOrg("admins-created");

        Http.Response r = create(org.name(), "{\"email\":\"  ann@example.com \"}");

        assertThat(r.status()).isEqualTo(201);
        JsonNode body = r.json();
        assertThat(body.fieldNames()).toIterable().containsExactly("id", "email", "password", "loginUrl");
        assertThat(body.get("email").asText()).isEqualTo("ann@example.com");
        String password = body.get("password").asText();
        assertThat(password).matches("[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}");
        assertThat(body.get("loginUrl").asText()).isEqualTo(app.baseUrl() + "/console/login");
        assertThat(app.count("select count(*) from console_admins where id = ?::uuid and org_id = ?::uuid "
                + "and password_hash like '$2a$12$%'", body.get("id").asText(), org.id())).isEqualTo(1);
        assertThat(app.count("select count(*) from console_admins where password_hash like '%' || ? || '%'", password)).isZero();
    }

    @Test
    void the_same_email_twice_in_one_organization_is_409_in_any_letter_case() {
        TestApp.Org org = app.newOrg("admins-duplicate");
        create(org.id(), "{\"email\":\"bob@example.com\"}").expect(201);

        Http.Response again = create(org.id(), "{\"email\":\"Bob@Example.COM\"}");

        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("detail").asText()).contains("already an admin");
        assertThat(app.count("select count(*) from console_admins where org_id = ?::uuid", org.id())).isEqualTo(1);
    }

    @Test
    void the_same_email_may_be_an_admin_of_two_organizations() {
        TestApp.Org a = app.newOrg("admins-a");
        TestApp.Org b = app.newOrg("admins-b");
        create(a.id(), "{\"email\":\"cat@example.com\"}").expect(201);
        create(b.id(), "{\"email\":\"cat@example.com\"}").expect(201);
    }

    @Test
    void an_email_that_is_not_an_email_address_is_400() {
        TestApp.Org org = app.newOrg("admins-invalid");
        for (String body : new String[] {"{\"email\":\"jdoe\"}", "{\"email\":\"\"}", "{}", "{\"email\":42}",
                "{\"email\":\"a b@example.com\"}"}) {
            Http.Response r = create(org.id(), body);
            assertThat(r.status()).as(body).isEqualTo(400);
        }
        assertThat(create(org.id(), "{\"email\":\"jdoe\"}").json().get("detail").asText()).contains("email must be an email address");
        assertThat(app.count("select count(*) from console_admins where org_id = ?::uuid", org.id())).isZero();
    }

    @Test
    void an_unknown_organization_is_404_and_no_operator_token_is_401() {
        assertThat(create("no-such-org", "{\"email\":\"dan@example.com\"}").status()).isEqualTo(404);
        TestApp.Org org = app.newOrg("admins-auth");
        assertThat(app.http().send("POST", "/admin/api/orgs/" + org.id() + "/admins", null,
                "{\"email\":\"dan@example.com\"}").status()).isEqualTo(401);
    }

    private static Http.Response create(String org, String body) {
        return app.http().send("POST", "/admin/api/orgs/" + org.replace(" ", "%20") + "/admins", app.operatorToken(), body);
    }
}
