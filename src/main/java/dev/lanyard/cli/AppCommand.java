package dev.lanyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code lanyard app ...}: apps that sign members in through Lanyard by OpenID Connect (README
 * "Integrate your app"), thin calls of /admin/api/apps and /admin/api/orgs/{org}/apps.
 */
@Command(name = "app", description = "Register apps that sign members in by OpenID Connect, rotate their secrets and keys.",
        subcommands = {AppCommand.Create.class, AppCommand.ListApps.class, AppCommand.AddSecret.class, AppCommand.RevokeSecret.class,
                AppCommand.Delete.class, AppCommand.ForOrg.class, AppCommand.Domains.class, AppCommand.RotateKey.class})
final class AppCommand {

    @Command(name = "create", description = "Register an app; its client secret is shown only this once.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "The app's name, shown to members.")
        String name;

        @Option(names = "--redirect-uri", required = true, paramLabel = "URI",
                description = "Where Lanyard may send codes (exact match; https, or http to a loopback address). Repeat for several.")
        List<String> redirectUris = new ArrayList<>();

        @Option(names = "--public", description = "A public client (no secret; PKCE S256 required), e.g. a mobile or desktop app.")
        boolean publicClient;

        @Option(names = "--org", paramLabel = "ORG", description = "Limit the app to this organization (name or id). Repeat for several; default all.")
        List<String> orgs = new ArrayList<>();

        @Option(names = "--access-token-seconds", paramLabel = "N", description = "Access and ID token lifetime, 60-86400 (default 600).")
        Optional<Integer> access = Optional.empty();

        @Option(names = "--refresh-token-seconds", paramLabel = "N", description = "Refresh token lifetime from sign-in, 0 (none) - 7776000 (default 30 days).")
        Optional<Integer> refresh = Optional.empty();

        Create(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            ObjectNode body = AdminClient.JSON.createObjectNode().put("name", name).put("public", publicClient);
            ArrayNode uris = body.putArray("redirectUris");
            redirectUris.forEach(uris::add);
            if (!orgs.isEmpty()) {
                ArrayNode o = body.putArray("organizations");
                orgs.forEach(o::add);
            }
            access.ifPresent(a -> body.put("accessTokenSeconds", a));
            refresh.ifPresent(r -> body.put("refreshTokenSeconds", r));
            JsonNode app = admin.call("POST", "/apps", Optional.of(body));
            out.println("Client ID:     " + app.get("clientId").asText());
            if (app.has("clientSecret")) {
                out.println("Client secret: " + app.get("clientSecret").asText());
                out.println("The secret is shown only once: put it into the app's configuration now.");
            }
            out.println("Issuer:        the server's URL; discovery at <server>/.well-known/openid-configuration");
        }
    }

    @Command(name = "list", description = "List the registered apps (never their secrets).")
    static final class ListApps extends ClientCommand {
        ListApps(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            Table table = new Table("CLIENT ID", "NAME", "KIND", "ORGANIZATIONS", "REDIRECT URIS");
            for (JsonNode a : admin.call("GET", "/apps", Optional.empty()).get("apps")) {
                table.row(a.get("clientId").asText(), a.get("name").asText(), a.get("public").asBoolean() ? "public" : "confidential",
                        a.get("organizations").isNull() ? "all" : a.get("organizations").size() + "", join(a.get("redirectUris")));
            }
            table.print(out);
        }
    }

    @Command(name = "add-secret", description = "Give an app another secret (rotation: both work until you revoke the old one).")
    static final class AddSecret extends ClientCommand {
        @Parameters(paramLabel = "APP", description = "The app's client id.")
        String app;

        AddSecret(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            JsonNode s = admin.call("POST", "/apps/" + AdminClient.segment(app) + "/secrets", Optional.empty());
            out.println("Client secret: " + s.get("clientSecret").asText() + "   (id " + s.get("id").asText() + ", shown only once)");
        }
    }

    @Command(name = "revoke-secret", description = "Revoke one of an app's secrets.")
    static final class RevokeSecret extends ClientCommand {
        @Parameters(index = "0", paramLabel = "APP")
        String app;

        @Parameters(index = "1", paramLabel = "SECRET_ID")
        String secret;

        RevokeSecret(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            admin.call("DELETE", "/apps/" + AdminClient.segment(app) + "/secrets/" + AdminClient.segment(secret), Optional.empty());
            out.println("Revoked.");
        }
    }

    @Command(name = "delete", description = "Delete an app: every token it holds stops working.")
    static final class Delete extends ClientCommand {
        @Parameters(paramLabel = "APP")
        String app;

        Delete(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            admin.call("DELETE", "/apps/" + AdminClient.segment(app), Optional.empty());
            out.println("Deleted " + app + ".");
        }
    }

    @Command(name = "set-for-org", description = "Turn an app on or off for one organization's members.")
    static final class ForOrg extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG")
        String org;

        @Parameters(index = "1", paramLabel = "APP")
        String app;

        @Parameters(index = "2", paramLabel = "on|off")
        String state;

        ForOrg(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            if (!state.equals("on") && !state.equals("off")) throw new CliException("the state must be on or off, not " + state);
            admin.call("PUT", "/orgs/" + AdminClient.segment(org) + "/apps/" + AdminClient.segment(app),
                    Optional.of(AdminClient.JSON.createObjectNode().put("enabled", state.equals("on"))));
            out.println(app + " is " + state + " for " + org + ".");
        }
    }

    @Command(name = "domains", description = "Set (or, without DOMAIN, show) the email domains that name an organization at sign-in.")
    static final class Domains extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG")
        String org;

        @Parameters(index = "1..*", paramLabel = "DOMAIN")
        List<String> domains = new ArrayList<>();

        Domains(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            String path = "/orgs/" + AdminClient.segment(org) + "/email-domains";
            JsonNode answer;
            if (domains.isEmpty()) {
                answer = admin.call("GET", path, Optional.empty());
            } else {
                ObjectNode body = AdminClient.JSON.createObjectNode();
                ArrayNode list = body.putArray("domains");
                domains.forEach(list::add);
                answer = admin.call("PUT", path, Optional.of(body));
            }
            out.println(answer.get("domains").isEmpty() ? "No email domains." : join(answer.get("domains")));
        }
    }

    @Command(name = "rotate-key", description = "Publish a new ID token signing key now; it signs after --publish-ahead-seconds.")
    static final class RotateKey extends ClientCommand {
        @Option(names = "--publish-ahead-seconds", paramLabel = "N", description = "How long apps see the key before it signs (default 3600).")
        Optional<Integer> ahead = Optional.empty();

        RotateKey(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            ObjectNode body = AdminClient.JSON.createObjectNode();
            ahead.ifPresent(a -> body.put("publishAheadSeconds", a));
            JsonNode key = admin.call("POST", "/oidc/keys/rotate", Optional.of(body));
            out.println("New key " + key.get("kid").asText() + " signs from " + key.get("activeFrom").asText());
        }
    }

    private static String join(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return String.join(" ", out);
    }
}
