package dev.lanyard.cli;

import dev.lanyard.cli.AdminApi.IssuedToken;
import dev.lanyard.cli.AdminApi.TokenInfo;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lanyard token create|list|revoke}: the bearer tokens identity providers use on the SCIM endpoint. */
@Command(name = "token", description = "Issue, list and revoke SCIM provisioning tokens.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
final class TokenCommand {

    @Command(name = "create", description = "Issue a provisioning token; its secret is shown only this once.")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Option(names = "--label", paramLabel = "LABEL", description = "What the token is for, e.g. okta.")
        Optional<String> label = Optional.empty();

        @Option(names = "--json", description = "Print only {\"scimUrl\",\"token\",\"id\"} as JSON, for scripts.")
        boolean json;

        Create(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            IssuedToken issued = admin.createToken(org, label);
            if (json) {
                // Scripts parse stdout, so it carries this one object and nothing else.
                out.println(AdminClient.JSON.createObjectNode()
                        .put("scimUrl", issued.scimUrl())
                        .put("token", issued.token())
                        .put("id", issued.id()));
                return;
            }
            out.println("SCIM URL: " + issued.scimUrl());
            out.println("Token:    " + issued.token());
            out.println("The token is shown only once: copy it into your identity provider now. (id " + issued.id() + ")");
        }
    }

    @Command(name = "list", description = "List the organization's active tokens (never their secrets).")
    static final class ListTokens extends ClientCommand {
        @Parameters(paramLabel = "ORG", description = "Organization name or id.")
        String org;

        ListTokens(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            List<TokenInfo> tokens = admin.listTokens(org);
            if (tokens.isEmpty()) {
                out.println("No active tokens for " + org + ".");
                return;
            }
            Table table = new Table("ID", "LABEL", "STARTS WITH", "CREATED BY", "CREATED", "LAST USED");
            for (TokenInfo t : tokens) {
                table.row(t.id(), orDash(t.label()), t.prefix().map(p -> p + "...").orElse("-"), orDash(t.createdBy()),
                        t.createdAt(), t.lastUsedAt().orElse("never"));
            }
            table.print(out);
        }
    }

    @Command(name = "revoke", description = "Revoke a token: the identity provider using it is refused from now on.")
    static final class Revoke extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Parameters(index = "1", paramLabel = "TOKEN_ID", description = "Token id, from `token list`.")
        String tokenId;

        Revoke(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            admin.revokeToken(org, tokenId);
            out.println("Revoked token " + tokenId + ".");
        }
    }
}
