package dev.lanyard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lanyard audit list|export} and {@code admin remove} against the real server. */
class AuditCliIT {
    static final TestApp app = TestApp.start();
    static final Map<String, String> ENV = Map.of("LANYARD_SERVER", app.baseUrl(), "LANYARD_OPERATOR_TOKEN", app.operatorToken());

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void the_operator_lists_and_exports_an_organizations_audit_trail_from_the_command_line() throws Exception {
        ok("org", "create", "Audit Corp");
        ok("provisioning", "enable", "Audit Corp");
        ok("admin", "create", "Audit Corp", "ann@example.com");
        ok("admin", "create", "Audit Corp", "bo@example.com");
        ok("admin", "remove", "Audit Corp", "bo@example.com");
        CliRunner.Result last = CliRunner.run(ENV, "admin", "remove", "Audit Corp", "ann@example.com");
        assertThat(last.exitCode()).isNotZero();
        assertThat(last.err()).contains("last console admin");

        String list = ok("audit", "list", "Audit Corp");
        assertThat(list).contains("admin.removed").contains("bo@example.com").contains("provisioning.enabled")
                .contains("organization.created").contains("5 of 5 entries");
        assertThat(ok("audit", "list", "Audit Corp", "--action", "admin")).doesNotContain("provisioning.enabled").contains("3 of 3 entries");
        String page = ok("audit", "list", "Audit Corp", "--limit", "2");
        assertThat(page).contains("2 of 5 entries; older ones: --before ");
        String before = page.substring(page.indexOf("--before ") + 9).strip();
        assertThat(ok("audit", "list", "Audit Corp", "--limit", "2", "--before", before)).contains("2 of 5 entries");

        String csv = ok("audit", "export", "Audit Corp");
        assertThat(csv.split("\r\n")).hasSize(6);
        Path file = Files.createTempFile("audit", ".json");
        ok("audit", "export", "Audit Corp", "--format", "json", "--output", file.toString());
        assertThat(new ObjectMapper().readTree(file.toFile()).get("entries")).hasSize(5);
        assertThat(CliRunner.run(ENV, "audit", "export", "Audit Corp", "--format", "xml").exitCode()).isNotZero();
    }

    private static String ok(String... args) {
        CliRunner.Result r = CliRunner.run(ENV, args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }
}
