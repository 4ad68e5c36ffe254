package dev.lanyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanyard safeguard show|set|release-all|reject-all ORG}: the organization's
 * mass-deprovisioning safeguard (docs/safeguard.md), through /admin/api/orgs/{org}/safeguard.
 */
@Command(name = "safeguard", description = "Show or change an organization's mass-deprovisioning safeguard, "
        + "and release or reject what it holds.",
        subcommands = {SafeguardCommand.Show.class, SafeguardCommand.Set.class, SafeguardCommand.ReleaseAll.class,
            SafeguardCommand.RejectAll.class})
final class SafeguardCommand {

    /** An organization's safeguard in four lines. */
    static void print(JsonNode s, PrintWriter out) {
        out.println("Safeguard: " + (s.path("enabled").asBoolean() ? "on" : "off")
                + (s.path("tripped").asBoolean() ? ", TRIPPED since " + s.path("trippedAt").asText() : ""));
        out.println("Holds when more than " + s.path("maxPercent").asInt() + " % of the active accounts (from 10 removals on) or more than "
                + s.path("maxCount").asInt() + " accounts are removed within " + s.path("windowMinutes").asInt() + " minutes.");
        if (s.path("tripped").asBoolean()) out.println("Why: " + s.path("tripReason").asText());
        out.println("Held changes: " + s.path("held").asLong());
    }

    abstract static class ForOrg extends ClientCommand {
        @Parameters(paramLabel = "ORG", description = "Organization name or id.")
        String org;

        ForOrg(CliContext context) {
            super(context);
        }

        String path(String tail) {
            return "/orgs/" + AdminClient.segment(org) + "/safeguard" + tail;
        }
    }

    @Command(name = "show", description = "Settings, whether it has tripped, and how many changes it holds.")
    static final class Show extends ForOrg {
        Show(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            print(admin.call("GET", path(""), Optional.empty()), out);
        }
    }

    @Command(name = "set", description = "Change the thresholds or turn the safeguard on or off; options not given stay.")
    static final class Set extends ForOrg {
        @Option(names = "--percent", description = "Hold when more than this % of the active accounts are removed (1-100).")
        Integer percent;
        @Option(names = "--count", description = "Hold when more than this many accounts are removed.")
        Integer count;
        @Option(names = "--window-minutes", description = "The window the removals are counted in (1-10080).")
        Integer window;
        @Option(names = "--on", description = "Turn the safeguard on.")
        boolean on;
        @Option(names = "--off", description = "Turn the safeguard off: deactivations apply at once.")
        boolean off;

        Set(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            if (on && off) throw new CliException("give --on or --off, not both");
            ObjectNode body = AdminClient.JSON.createObjectNode();
            if (percent != null) body.put("maxPercent", percent);
            if (count != null) body.put("maxCount", count);
            if (window != null) body.put("windowMinutes", window);
            if (on || off) body.put("enabled", on);
            print(admin.call("PUT", path(""), Optional.of(body)), out);
        }
    }

    /** release-all and reject-all differ only in the path they post to. */
    abstract static class All extends ForOrg {
        private final String action;

        All(CliContext context, String action) {
            super(context);
            this.action = action;
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            summary(admin.call("POST", path("/" + action), Optional.empty()), out);
        }
    }

    @Command(name = "release-all", description = "Apply every held change whose user has not changed since, then resume.")
    static final class ReleaseAll extends All {
        ReleaseAll(CliContext context) {
            super(context, "release-all");
        }
    }

    @Command(name = "reject-all", description = "Discard every held change (the accounts stay as they are), then resume.")
    static final class RejectAll extends All {
        RejectAll(CliContext context) {
            super(context, "reject-all");
        }
    }

    static void summary(JsonNode s, PrintWriter out) {
        out.println("Applied " + s.path("applied").asInt() + ", not applied because the user changed since "
                + s.path("stale").asInt() + ", rejected " + s.path("rejected").asInt() + ", still held " + s.path("remaining").asLong()
                + (s.path("resumed").asBoolean() ? "; the safeguard resumed." : "; run it again."));
    }
}
