package dev.lanyard.cli;

import dev.lanyard.cli.AdminApi.CreatedAdmin;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanyard admin create|reset-password ORG EMAIL}: the organization admins who sign in to
 * the web console. Both print a one-time password, which the admin replaces at their next sign-in.
 */
@Command(name = "admin", description = "Create organization admins for the web console, or reset their password.",
        subcommands = {AdminCommand.Create.class, AdminCommand.ResetPassword.class, AdminCommand.Remove.class})
final class AdminCommand {

    /** {@code lanyard admin remove ORG EMAIL}: the admin and their sessions go; the organization's last admin stays. */
    @Command(name = "remove", description = "Remove a console admin (their sessions end). The last admin of an organization cannot be removed.")
    static final class Remove extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Parameters(index = "1", paramLabel = "EMAIL", description = "The admin's email address (or id).")
        String email;

        Remove(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            admin.removeAdmin(org, email);
            out.println("Removed console admin " + email + ".");
        }
    }

    /** The arguments and output both subcommands share. */
    abstract static class OneTimePasswordCommand extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Parameters(index = "1", paramLabel = "EMAIL", description = "The admin's email address: their sign-in name.")
        String email;

        @Option(names = "--json", description = "Print only {\"id\",\"email\",\"password\"} as JSON, for scripts.")
        boolean json;

        OneTimePasswordCommand(CliContext context) {
            super(context);
        }

        abstract CreatedAdmin call(AdminClient admin);

        abstract String done(CreatedAdmin admin);

        @Override
        void run(AdminClient admin, PrintWriter out) {
            CreatedAdmin result = call(admin);
            if (json) {
                // Scripts parse stdout, so it carries this one object and nothing else.
                out.println(AdminClient.JSON.createObjectNode()
                        .put("id", result.id())
                        .put("email", result.email())
                        .put("password", result.password()));
                return;
            }
            out.println(done(result));
            out.println("Password: " + result.password());
            result.loginUrl().ifPresent(url -> out.println("Sign in:  " + url));
            out.println("The password is shown only once and works for one sign-in, after which the admin chooses their own.");
            out.println("Hand it to the admin now, over a channel you trust.");
        }
    }

    @Command(name = "create", description = "Create a console admin; their one-time password is shown only this once.")
    static final class Create extends OneTimePasswordCommand {
        Create(CliContext context) {
            super(context);
        }

        @Override
        CreatedAdmin call(AdminClient admin) {
            return admin.createAdmin(org, email);
        }

        @Override
        String done(CreatedAdmin created) {
            return "Created console admin " + created.email() + " of " + org + " (id " + created.id() + ").";
        }
    }

    @Command(name = "reset-password", description = "Give a console admin a new one-time password and sign them out everywhere.")
    static final class ResetPassword extends OneTimePasswordCommand {
        ResetPassword(CliContext context) {
            super(context);
        }

        @Override
        CreatedAdmin call(AdminClient admin) {
            return admin.resetAdminPassword(org, email);
        }

        @Override
        String done(CreatedAdmin reset) {
            return "Reset the password of console admin " + reset.email() + " of " + org + "; their sessions have ended.";
        }
    }
}
