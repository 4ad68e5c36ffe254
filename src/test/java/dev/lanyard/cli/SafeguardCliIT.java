package dev.lanyard.cli;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lanyard safeguard show|set|release-all|reject-all} against the real server. */
class SafeguardCliIT {
    static final TestApp app = TestApp.start();
    static final Map<String, String> ENV = Map.of("LANYARD_SERVER", app.baseUrl(), "LANYARD_OPERATOR_TOKEN", app.operatorToken());

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_operator_reads_changes_and_turns_off_an_organizations_safeguard_and_releases_what_it_held() {
        TestApp.Org org = app.newOrg("cli-safeguard-" + UUID.randomUUID());
        assertThat(ok("safeguard", "show", org.name())).contains("Safeguard: on").contains("more than 20 %")
                .contains("more than 500 accounts").contains("within 60 minutes").contains("Held changes: 0");
        assertThat(ok("safeguard", "set", org.name(), "--percent", "10", "--count", "1", "--window-minutes", "120"))
                .contains("more than 10 %").contains("more than 1 accounts").contains("within 120 minutes");

        String a = create(org, "a@example.com");
        String b = create(org, "b@example.com");
        deactivate(org, a).expect(200);
        deactivate(org, b).expect(503);
        assertThat(ok("safeguard", "show", org.name())).contains("TRIPPED").contains("Why: 2 accounts removed").contains("Held changes: 1");
        assertThat(ok("safeguard", "release-all", org.name())).contains("Applied 1").contains("the safeguard resumed");

        assertThat(ok("safeguard", "set", org.name(), "--off")).contains("Safeguard: off");
        CliRunner.Result both = CliRunner.run(ENV, "safeguard", "set", org.name(), "--on", "--off");
        assertThat(both.exitCode()).isNotZero();
        assertThat(both.err()).contains("--on or --off, not both");
        CliRunner.Result bad = CliRunner.run(ENV, "safeguard", "set", org.name(), "--percent", "0");
        assertThat(bad.exitCode()).isNotZero();
        assertThat(bad.err()).contains("maxPercent must be a whole number from 1 to 100");
    }

    private static String create(TestApp.Org org, String userName) {
        return app.http().send("POST", org.scimPath() + "/Users", org.token(), "{\"userName\":\"" + userName + "\"}")
                .expect(201).json().get("id").asText();
    }

    private static dev.lanyard.testing.Http.Response deactivate(TestApp.Org org, String id) {
        return app.http().send("PATCH", org.scimPath() + "/Users/" + id, org.token(),
                "{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[{\"op\":\"replace\","
                        + "\"path\":\"active\",\"value\":false}]}");
    }

    private static String ok(String... args) {
        CliRunner.Result r = CliRunner.run(ENV, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + " -> " + r.err()).isZero();
        return r.out();
    }
}
