package dev.lanyard.cli;

import dev.lanyard.cli.AdminApi.Organization;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lanyard org create NAME | list}. */
@Command(name = "org", description = "Create and list organizations.",
        subcommands = {OrgCommand.Create.class, OrgCommand.ListOrgs.class})
final class OrgCommand {

    @Command(name = "create", description = "Create an organization (provisioning starts disabled).")
    static final class Create extends ClientCommand {
        @Parameters(paramLabel = "NAME", description = "Unique name of the organization.")
        String name;

        Create(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            Organization org = admin.createOrg(name);
            out.println("Created organization " + org.name() + " (" + org.id() + ").");
            out.println("SCIM URL: " + org.scimUrl());
            out.println("Next: `bin/lanyard token create " + org.name() + "` for your identity provider, then `bin/lanyard provisioning enable " + org.name() + "`.");
        }
    }

    @Command(name = "list", description = "List organizations.")
    static final class ListOrgs extends ClientCommand {
        ListOrgs(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            List<Organization> orgs = admin.listOrgs();
            if (orgs.isEmpty()) {
                out.println("No organizations yet: create one with `bin/lanyard org create NAME`.");
                return;
            }
            Table table = new Table("NAME", "ID", "PROVISIONING", "SCIM URL", "CREATED");
            for (Organization org : orgs) {
                table.row(org.name(), org.id(), org.provisioningEnabled() ? "enabled" : "disabled", org.scimUrl(), org.createdAt());
            }
            table.print(out);
        }
    }
}
