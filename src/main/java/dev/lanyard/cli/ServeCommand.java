package dev.lanyard.cli;

import dev.lanyard.config.Settings;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lanyard serve}: builds {@link Settings} from options, then the environment, then defaults, and runs. */
@Command(name = "serve", description = "Run the Lanyard server until it is stopped (SIGTERM or Ctrl-C).")
final class ServeCommand implements Callable<Integer> {

    static final String DEFAULT_HOST = "127.0.0.1";

    @Option(names = "--host", paramLabel = "HOST",
            description = "Address to listen on (env LANYARD_HOST, default " + DEFAULT_HOST + ").")
    Optional<String> host = Optional.empty();

    @Option(names = "--port", paramLabel = "PORT",
            description = "HTTP port, 0 for any free one (env LANYARD_PORT, default " + Settings.DEFAULT_PORT + ").")
    Optional<Integer> port = Optional.empty();

    @Option(names = "--data", paramLabel = "DIR",
            description = "Folder for the embedded database and the operator token (env LANYARD_DATA, default ./data).")
    Optional<Path> data = Optional.empty();

    @Option(names = "--public-url", paramLabel = "URL",
            description = "URL identity providers use to reach this server, if it differs from http://HOST:PORT,"
                    + " e.g. behind a proxy (env LANYARD_PUBLIC_URL).")
    Optional<String> publicUrl = Optional.empty();

    private final CliContext context;

    ServeCommand(CliContext context) {
        this.context = context;
    }

    /**
     * {@code serve} without options and without picocli ({@link LanyardCommand#execute}): the
     * same settings (every option unset) and the same exit codes as the command line's handler:
     * 2 for a bad setting, 1 with the stack trace for a failed start, 0 once stopped.
     */
    static int withoutOptions(CliContext context, PrintWriter err) {
        try {
            return new ServeCommand(context).call();
        } catch (Settings.InvalidSettingException e) {
            return LanyardCommand.invalidSetting(err, e);
        } catch (Exception e) {
            e.printStackTrace(err);
            err.flush();
            return 1;
        }
    }

    @Override
    public Integer call() throws Exception {
        context.server().run(settings());
        return 0;
    }

    /** Throws {@link Settings.InvalidSettingException} naming the option and variable at fault. */
    Settings settings() {
        String resolvedHost = host.or(() -> context.env("LANYARD_HOST")).orElse(DEFAULT_HOST);
        int resolvedPort = port.orElseGet(this::portFromEnv);
        // Relative to the directory the user ran the command from: bin/lanyard does not cd.
        Path resolvedData = data.or(() -> context.env("LANYARD_DATA").map(Path::of)).orElse(Path.of("data"));
        Optional<URI> resolvedPublicUrl = publicUrl.or(() -> context.env("LANYARD_PUBLIC_URL")).map(ServeCommand::uri);
        // Env only: a JDBC URL may carry a password, which must not show up in `ps`.
        Optional<String> databaseUrl = context.env("LANYARD_DATABASE_URL");
        return new Settings(resolvedHost, resolvedPort, resolvedData, resolvedPublicUrl, databaseUrl, retentionFromEnv(),
                poolSizeFromEnv(), eventRetentionFromEnv(), auditRetentionFromEnv(), webhooksAllowPrivateFromEnv());
    }

    private boolean webhooksAllowPrivateFromEnv() {
        return context.env("LANYARD_WEBHOOKS_ALLOW_PRIVATE").map(value -> switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no", "" -> false;
            default -> throw new Settings.InvalidSettingException("LANYARD_WEBHOOKS_ALLOW_PRIVATE", "must be true or false, got '" + value + "'");
        }).orElse(false);
    }

    private int eventRetentionFromEnv() {
        return daysFromEnv("LANYARD_EVENT_RETENTION_DAYS", Settings.DEFAULT_EVENT_RETENTION_DAYS);
    }

    private int poolSizeFromEnv() {
        return context.env("LANYARD_DB_POOL_SIZE").map(value -> {
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new Settings.InvalidSettingException("LANYARD_DB_POOL_SIZE", "must be a number of connections, got '" + value + "'");
            }
        }).orElse(Settings.DEFAULT_DB_POOL_SIZE);
    }

    private int auditRetentionFromEnv() {
        return context.env("LANYARD_AUDIT_RETENTION_DAYS").map(value -> {
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new Settings.InvalidSettingException("LANYARD_AUDIT_RETENTION_DAYS", "must be a number of days, got '" + value + "'");
            }
        }).orElse(Settings.DEFAULT_AUDIT_RETENTION_DAYS);
    }

    private int retentionFromEnv() {
        return daysFromEnv("LANYARD_LOG_RETENTION_DAYS", Settings.DEFAULT_LOG_RETENTION_DAYS);
    }

    private int daysFromEnv(String key, int fallback) {
        return context.env(key).map(value -> {
            try {
                return Integer.parseInt(value.strip());
            } catch (NumberFormatException e) {
                throw new Settings.InvalidSettingException(key, "must be a number of days, got '" + value + "'");
            }
        }).orElse(fallback);
    }

    private int portFromEnv() {
        return context.env("LANYARD_PORT").map(value -> {
            try {
                return Integer.parseInt(value);
            } catch (NumberFormatException e) {
                throw new Settings.InvalidSettingException("--port / LANYARD_PORT", "must be a number, got '" + value + "'");
            }
        }).orElse(Settings.DEFAULT_PORT);
    }

    private static URI uri(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new Settings.InvalidSettingException("--public-url / LANYARD_PUBLIC_URL", "is not a URL: " + e.getMessage());
        }
    }
}
