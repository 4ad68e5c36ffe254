package dev.lanyard.cli;

import dev.lanyard.testing.SamlIdp;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code lanyard saml ...} against the real server: metadata import, show, set, certificates, the sign-in log. */
class SamlCliIT {
    static final TestApp app = TestApp.start();
    static final Map<String, String> ENV = Map.of("LANYARD_SERVER", app.baseUrl(), "LANYARD_OPERATOR_TOKEN", app.operatorToken());

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void an_operator_sets_up_saml_from_the_command_line() throws Exception {
        TestApp.Org org = app.newOrg("cli-saml");
        String metadata = """
                <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="http://idp.test/cli">
                  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                    <md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data>
                      <ds:X509Certificate>%s</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
                    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="http://idp.test/sso"/>
                  </md:IDPSSODescriptor>
                </md:EntityDescriptor>""".formatted(SamlIdp.Key.load("idp").pem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", ""));
        Path file = Files.createTempFile("idp-metadata", ".xml");
        Files.writeString(file, metadata);

        assertThat(ok("saml", "metadata", "cli-saml", file.toString())).contains("IdP entity ID:  http://idp.test/cli")
                .contains("CN=lanyard-test-idp").contains("ACS URL:        " + app.baseUrl() + "/sso/" + org.id() + "/acs");
        Path next = Files.createTempFile("next", ".pem");
        Files.writeString(next, SamlIdp.Key.load("next").pem());
        assertThat(ok("saml", "cert", "add", "cli-saml", next.toString())).contains("Added certificate");
        assertThat(ok("saml", "set", "cli-saml", "--enable", "--allow-sha1", "false")).contains("SAML sign-in:   on")
                .contains("CN=lanyard-test-next");

        CliRunner.Result refused = CliRunner.run(ENV, "saml", "set", "cli-saml", "--sso-url", "ftp://nope");
        assertThat(refused.exitCode()).isNotZero();
        assertThat(refused.err()).contains("http(s) URL");

        app.http().send("POST", "/sso/" + org.id() + "/acs", "SAMLResponse=%25%25", Map.of("Content-Type", "application/x-www-form-urlencoded"));
        assertThat(ok("saml", "sign-ins", "cli-saml", "--failures")).contains("failure").contains("not_base64");
    }

    private static String ok(String... args) {
        CliRunner.Result r = CliRunner.run(ENV, args);
        assertThat(r.exitCode()).as(String.join(" ", args) + " -> " + r.err()).isZero();
        return r.out();
    }
}
