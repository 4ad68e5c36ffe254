package dev.lanyard.cli;

import dev.lanyard.cli.AdminApi.Organization;
import dev.lanyard.cli.AdminApi.UsernamePolicy;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lanyard org create NAME | list | set-username-policy ORG POLICY}. */
@Command(name = "org", description = "Create and list organizations, and change their settings.",
        subcommands = {OrgCommand.Create.class, OrgCommand.ListOrgs.class, OrgCommand.SetUsernamePolicy.class})
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
            Table table = new Table("NAME", "ID", "PROVISIONING", "USERNAME CHANGE", "SCIM URL", "CREATED");
            for (Organization org : orgs) {
                table.row(org.name(), org.id(), org.provisioningEnabled() ? "enabled" : "disabled",
                        org.usernameChangePolicy().toString(), org.scimUrl(), org.createdAt());
            }
            table.print(out);
        }
    }

    @Command(name = "set-username-policy",
            description = "Choose what a username change from the identity provider does to the managed account.")
    static final class SetUsernamePolicy extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Parameters(index = "1", paramLabel = "POLICY", description = "new-account (the default): the old account is "
                + "invalidated and kept for the record, a new one takes its place; rename-in-place: the same account "
                + "gets the new username as its email.")
        UsernamePolicy policy;

        SetUsernamePolicy(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            Organization updated = admin.setUsernamePolicy(org, policy);
            out.println("Username change policy of " + updated.name() + ": " + updated.usernameChangePolicy() + ".");
            out.println(switch (updated.usernameChangePolicy()) {
                case NEW_ACCOUNT -> "A username change invalidates the account (kept for the record) and creates a new account "
                        + "with the new username.";
                case RENAME_IN_PLACE -> "A username change gives the same account the new username as its email; "
                        + "its id and history stay.";
            });
        }
    }
}
