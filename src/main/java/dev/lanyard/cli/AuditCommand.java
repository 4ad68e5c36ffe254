package dev.lanyard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lanyard audit list|export ORG}: the organization's audit trail, through
 * {@code /admin/api/orgs/{org}/audit}.
 *
 * <pre>
 * lanyard audit list ORG [--action token] [--actor ann@] [--since 2026-11-01T00:00:00Z] [--until ...] [--limit 50] [--before ID]
 * lanyard audit export ORG [--format csv|json] [--output FILE] [the same filters]
 * </pre>
 */
@Command(name = "audit", description = "An organization's audit trail: who changed what, when. List it or export it.",
        subcommands = {AuditCommand.ListEntries.class, AuditCommand.Export.class})
final class AuditCommand {

    /** The filters both subcommands share. */
    abstract static class Filtered extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ORG", description = "Organization name or id.")
        String org;

        @Option(names = "--action", paramLabel = "ACTION", description = "An action (token.issued) or an area (token, saml, admin, ...).")
        Optional<String> action = Optional.empty();

        @Option(names = "--actor", paramLabel = "ACTOR", description = "operator, console:<id>, or the start of an actor's name (ann@).")
        Optional<String> actor = Optional.empty();

        @Option(names = "--since", paramLabel = "INSTANT", description = "From this time on, e.g. 2026-11-01T00:00:00Z.")
        Optional<String> since = Optional.empty();

        @Option(names = "--until", paramLabel = "INSTANT", description = "Before this time.")
        Optional<String> until = Optional.empty();

        Filtered(CliContext context) {
            super(context);
        }

        List<String> filters() {
            List<String> q = new ArrayList<>();
            action.ifPresent(v -> q.add("action=" + enc(v)));
            actor.ifPresent(v -> q.add("actor=" + enc(v)));
            since.ifPresent(v -> q.add("since=" + enc(v)));
            until.ifPresent(v -> q.add("until=" + enc(v)));
            return q;
        }
    }

    @Command(name = "list", description = "Print the newest entries (a page); --before pages back.")
    static final class ListEntries extends Filtered {
        @Option(names = "--limit", paramLabel = "N", description = "Entries per page, 1 to 500 (default ${DEFAULT-VALUE}).", defaultValue = "50")
        int limit;

        @Option(names = "--before", paramLabel = "ID", description = "The entries older than this one (the id printed at the end of a page).")
        Optional<Long> before = Optional.empty();

        ListEntries(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            List<String> q = filters();
            q.add("limit=" + limit);
            before.ifPresent(b -> q.add("before=" + b));
            JsonNode page = admin.call("GET", "/orgs/" + AdminClient.segment(org) + "/audit?" + String.join("&", q), Optional.empty());
            JsonNode entries = page.path("entries");
            if (entries.isEmpty()) {
                out.println("No audit entries" + (q.size() > 1 ? " match." : "."));
                return;
            }
            Table table = new Table("ID", "AT", "ACTOR", "ACTION", "TARGET", "DETAIL");
            for (JsonNode e : entries) {
                JsonNode t = e.path("target");
                String target = t.isObject() ? (t.path("name").asText().isEmpty() ? t.path("type").asText() + " " + t.path("id").asText()
                        : t.path("name").asText()) : "-";
                String detail = e.path("detail").toString();
                table.row(e.path("id").asText(), e.path("at").asText(), e.path("actorName").asText(), e.path("action").asText(),
                        target, detail.length() <= 120 ? detail : detail.substring(0, 119) + "…");
            }
            table.print(out);
            long count = page.path("count").asLong();
            out.println(entries.size() + " of " + count + (page.path("countAtLeast").asBoolean() ? " or more" : "")
                    + (count == 1 ? " entry" : " entries")
                    + (page.path("older").isNull() ? "" : "; older ones: --before " + page.path("older").asText()));
        }
    }

    @Command(name = "export", description = "Write every matching entry as CSV or JSON, streamed (any number of entries).")
    static final class Export extends Filtered {
        @Option(names = "--format", paramLabel = "FORMAT", description = "csv or json (default ${DEFAULT-VALUE}).", defaultValue = "csv")
        String format;

        @Option(names = "--output", paramLabel = "FILE", description = "Write to this file instead of the standard output.")
        Optional<Path> output = Optional.empty();

        Export(CliContext context) {
            super(context);
        }

        @Override
        void run(AdminClient admin, PrintWriter out) {
            if (!format.equals("csv") && !format.equals("json")) throw new CliException("--format must be csv or json");
            List<String> q = filters();
            q.add("format=" + format);
            String path = "/orgs/" + AdminClient.segment(org) + "/audit/export?" + String.join("&", q);
            if (output.isEmpty()) {
                admin.download(path, out);
                return;
            }
            try (Writer file = Files.newBufferedWriter(output.get(), StandardCharsets.UTF_8)) {
                admin.download(path, file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            out.println("Wrote the audit trail of " + org + " to " + output.get() + ".");
        }
    }

    private static String enc(String v) {
        return URLEncoder.encode(v, StandardCharsets.UTF_8);
    }
}
