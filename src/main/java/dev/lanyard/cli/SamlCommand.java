package dev.lanyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanyard saml ...}: an organization's SAML single sign-on, through the admin API
 * ({@code /admin/api/orgs/{org}/saml}).
 *
 * <pre>
 * lanyard saml show ORG                          settings, SP values to paste into the IdP, certificates
 * lanyard saml metadata ORG FILE | --url URL     import the IdP's metadata (entity ID, SSO URL, certificates)
 * lanyard saml set ORG [--idp-entity-id ..] [--sso-url ..] [--enable|--disable] [--allow-sha1 true|false] [--match-attribute NAME]
 * lanyard saml cert add ORG FILE.pem | cert remove ORG ID
 * lanyard saml sign-ins ORG [--failures]         the sign-in log, newest first
 * </pre>
 */
@Command(name = "saml", description = "SAML single sign-on of an organization: the IdP, its certificates, the sign-in log.",
        subcommands = {SamlCommand.Show.class, SamlCommand.Metadata.class, SamlCommand.Set.class, SamlCommand.Cert.class,
                SamlCommand.SignIns.class})
final class SamlCommand {

    @Command(name = "show", description = "Print the SAML settings, the values to paste into the IdP, and the certificates.")
    static final class Show extends ClientCommand {
        @Parameters(paramLabel = "ORG", description = "Organization name or id.")
        String org;

        Show(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            print(admin.saml("GET", org, "", Optional.empty()), out);
        }
    }

    @Command(name = "metadata", description = "Import the IdP's SAML metadata from a file, or fetch it once from --url.")
    static final class Metadata extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Parameters(index = "1", paramLabel = "FILE", arity = "0..1", description = "The metadata XML file.")
        Path file;

        @Option(names = "--url", description = "Fetch the metadata from this URL (public addresses only).")
        String url;

        Metadata(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            if ((file == null) == (url == null)) throw new CliException("give either the metadata FILE or --url URL");
            ObjectNode body = AdminClient.JSON.createObjectNode();
            if (url != null) body.put("url", url);
            else body.put("xml", read(file));
            print(admin.saml("POST", org, "/metadata", Optional.of(body)), out);
        }
    }

    @Command(name = "set", description = "Change SAML settings; what is not given stays as it is.")
    static final class Set extends ClientCommand {
        @Parameters(paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Option(names = "--idp-entity-id", description = "The IdP's entity ID (Okta: Identity Provider Issuer).")
        String entityId;

        @Option(names = "--sso-url", description = "Where members are sent with the AuthnRequest (HTTP-Redirect).")
        String ssoUrl;

        @ArgGroup(exclusive = true)
        Switch onOff;

        static final class Switch {
            @Option(names = "--enable", description = "Let members sign in by SAML.") boolean enable;
            @Option(names = "--disable", description = "Refuse SAML sign-ins.") boolean disable;
        }

        @Option(names = "--allow-sha1", arity = "1", description = "Accept SHA-1 signatures (old IdPs only): true or false.")
        Boolean allowSha1;

        @Option(names = "--match-attribute", description = "Match this attribute to the account's email instead of the NameID (\"\" for the NameID).")
        String matchAttribute;

        Set(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            ObjectNode body = AdminClient.JSON.createObjectNode();
            if (entityId != null) body.put("idpEntityId", entityId);
            if (ssoUrl != null) body.put("ssoUrl", ssoUrl);
            if (onOff != null) body.put("enabled", onOff.enable);
            if (allowSha1 != null) body.put("allowSha1", allowSha1);
            if (matchAttribute != null) body.put("matchAttribute", matchAttribute);
            if (body.isEmpty()) throw new CliException("nothing to change: give at least one option (see --help)");
            print(admin.saml("PATCH", org, "", Optional.of(body)), out);
        }
    }

    @Command(name = "cert", description = "Add or remove an IdP signing certificate.",
            subcommands = {Cert.Add.class, Cert.Remove.class})
    static final class Cert {
        @Command(name = "add", description = "Add a signing certificate (PEM file); the others stay (rollover).")
        static final class Add extends ClientCommand {
            @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.") String org;
            @Parameters(index = "1", paramLabel = "FILE", description = "The certificate, PEM.") Path file;

            Add(CliContext context) {
                super(context);
            }

            @Override
            void run(AdminClient admin, PrintWriter out) {
                JsonNode c = admin.saml("POST", org, "/certificates", Optional.of(AdminClient.JSON.createObjectNode().put("pem", read(file))));
                out.println("Added certificate " + c.path("id").asText() + " (SHA-256 " + c.path("sha256").asText()
                        + ", expires " + c.path("notAfter").asText() + ").");
            }
        }

        @Command(name = "remove", description = "Remove a signing certificate by its id (see saml show).")
        static final class Remove extends ClientCommand {
            @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.") String org;
            @Parameters(index = "1", paramLabel = "ID", description = "The certificate's id.") String id;

            Remove(CliContext context) {
                super(context);
            }

            @Override
            void run(AdminClient admin, PrintWriter out) {
                admin.saml("DELETE", org, "/certificates/" + id, Optional.empty());
                out.println("Removed certificate " + id + ".");
            }
        }
    }

    @Command(name = "sign-ins", description = "The sign-in log: every SAML sign-in attempt, newest first.")
    static final class SignIns extends ClientCommand {
        @Parameters(paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Option(names = "--failures", description = "Only refused attempts.")
        boolean failures;

        SignIns(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            JsonNode log = admin.saml("GET", org, "/sign-ins?limit=50" + (failures ? "&outcome=failure" : ""), Optional.empty());
            for (JsonNode e : log.path("signIns")) {
                out.println(e.path("at").asText() + "  " + e.path("outcome").asText() + "  " + e.path("flow").asText() + "  "
                        + e.path("nameId").asText("-") + "  " + e.path("reason").asText() + ": " + e.path("detail").asText());
                if (e.hasNonNull("hint")) out.println("    hint: " + e.path("hint").asText());
            }
        }
    }

    static void print(JsonNode s, PrintWriter out) {
        out.println("SAML sign-in:   " + (s.path("enabled").asBoolean() ? "on" : "off"));
        if (!s.path("missing").isEmpty()) out.println("Still needed:   " + String.join(", ", AdminClient.JSON.convertValue(s.path("missing"), String[].class)));
        out.println("IdP entity ID:  " + s.path("idpEntityId").asText());
        out.println("IdP SSO URL:    " + s.path("ssoUrl").asText());
        out.println("Allow SHA-1:    " + s.path("allowSha1").asBoolean());
        out.println("Match on:       " + (s.hasNonNull("matchAttribute") ? "attribute " + s.path("matchAttribute").asText() : "NameID"));
        out.println();
        out.println("Paste into the IdP:");
        out.println("  ACS URL:        " + s.path("sp").path("acsUrl").asText());
        out.println("  SP entity ID:   " + s.path("sp").path("entityId").asText());
        out.println("  Sign-in URL:    " + s.path("sp").path("loginUrl").asText());
        out.println("  SP metadata:    " + s.path("sp").path("metadataUrl").asText());
        out.println("  NameID format:  " + s.path("sp").path("nameIdFormat").asText());
        out.println();
        out.println("IdP signing certificates:");
        for (JsonNode c : s.path("certificates")) {
            out.println("  " + c.path("id").asText() + "  " + c.path("subject").asText() + "  SHA-256 " + c.path("sha256").asText()
                    + "  expires " + c.path("notAfter").asText() + (c.path("expiresSoon").asBoolean() ? "  (EXPIRES SOON)" : ""));
        }
    }

    static String read(Path file) {
        try {
            if (Files.size(file) > 1 << 20) throw new CliException(file + " is larger than 1 MiB");
            return Files.readString(file);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
