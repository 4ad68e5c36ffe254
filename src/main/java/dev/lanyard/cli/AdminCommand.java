package dev.lanyard.cli;

import dev.lanyard.cli.AdminApi.CreatedAdmin;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code lanyard admin create ORG EMAIL}: the organization admins who sign in to the web console. */
@Command(name = "admin", description = "Create organization admins for the web console.",
        subcommands = {AdminCommand.Create.class})
final class AdminCommand {

    @Command(name = "create", description = "Create a console admin; their random password is shown only this once.")
    static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Parameters(index = "1", paramLabel = "EMAIL", description = "The admin's email address: their sign-in name.")
        String email;

        @Option(names = "--json", description = "Print only {\"id\",\"email\",\"password\"} as JSON, for scripts.")
        boolean json;

        Create(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            CreatedAdmin created = admin.createAdmin(org, email);
            if (json) {
                // Scripts parse stdout, so it carries this one object and nothing else.
                out.println(AdminClient.JSON.createObjectNode()
                        .put("id", created.id())
                        .put("email", created.email())
                        .put("password", created.password()));
                return;
            }
            out.println("Created console admin " + created.email() + " of " + org + " (id " + created.id() + ").");
            out.println("Password: " + created.password());
            created.loginUrl().ifPresent(url -> out.println("Sign in:  " + url));
            out.println("The password is shown only once: hand it to the admin now, over a channel you trust.");
        }
    }
}
