package dev.lanyard.cli;

import dev.lanyard.cli.AdminApi.Organization;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code lanyard provisioning enable|disable ORG}: whether the organization's SCIM endpoint accepts requests. */
@Command(name = "provisioning", description = "Turn SCIM provisioning on or off for an organization.",
        subcommands = {ProvisioningCommand.Enable.class, ProvisioningCommand.Disable.class})
final class ProvisioningCommand {

    /** Both directions differ only in the flag sent. */
    abstract static class Toggle extends ClientCommand {
        @Parameters(paramLabel = "ORG", description = "Organization name or id.")
        String org;

        private final boolean enabled;

        Toggle(CliContext context, boolean enabled) {
            super(context);
            this.enabled = enabled;
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            Organization updated = admin.setProvisioning(org, enabled);
            out.println("Provisioning " + (updated.provisioningEnabled() ? "enabled" : "disabled") + " for " + updated.name() + ".");
        }
    }

    @Command(name = "enable", description = "Accept SCIM requests for the organization.")
    static final class Enable extends Toggle {
        Enable(CliContext context) {
            super(context, true);
        }
    }

    @Command(name = "disable", description = "Refuse SCIM requests for the organization.")
    static final class Disable extends Toggle {
        Disable(CliContext context) {
            super(context, false);
        }
    }
}
