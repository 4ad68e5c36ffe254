package dev.lanyard.cli;

import dev.lanyard.config.Settings;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code lanyard} command: {@code serve} runs the server, the other subcommands are thin clients of
 * its admin API ({@code /admin/api}) authenticated with the operator token.
 */
@Command(
        name = "lanyard",
        description = "Lanyard: SCIM 2.0 provisioning server and its admin command line.")
public final class LanyardCommand {
    /** The subcommands, in the order the help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            ServeCommand.class,
            OrgCommand.class,
            ProvisioningCommand.class,
            SafeguardCommand.class,
            TokenCommand.class,
            AccountCommand.class,
            AdminCommand.class,
            AppCommand.class,
            SamlCommand.class,
            AuditCommand.class,
            WebhookCommand.class);

    // Inherited, so `lanyard token create --help` works without a help command.
    @Option(names = {"-h", "--help"}, usageHelp = true, scope = ScopeType.INHERIT, description = "Show this help and exit.")
    boolean help;

    private LanyardCommand() {}

    /**
     * Runs {@code args}: the process's exit code. {@code serve} with nothing after it (what
     * {@code bin/lanyard serve} runs; its settings come from the environment) runs without picocli,
     * whose parse was the largest part of the JVM's own start (about 0.09 s: its Java 5 class files
     * are the ones the class cache cannot hold; issue 16, docs/performance.md). With anything after it
     * ({@code --port 0}, {@code --help}) it goes through the command line like every command.
     */
    public static int execute(Map<String, String> env, ServerRunner server, String[] args, PrintWriter out, PrintWriter err) {
        if (args.length == 1 && args[0].equals("serve")) return ServeCommand.withoutOptions(new CliContext(env, server), err);
        CommandLine cli = commandLine(env, server, args);
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    /** What a setting the operator got wrong prints, and its exit code (a bad option's: they fix the command or the environment). */
    static int invalidSetting(PrintWriter err, Settings.InvalidSettingException e) {
        err.println("error: " + e.getMessage());
        return 2;
    }

    /**
     * The command line for {@code args}: with only {@code serve} in it when that is the command.
     * Picocli reads every command's annotations when it is added (reflection, and a proxy class
     * generated per annotation type); the whole tree took a third of a second of the server's
     * start, for commands a {@code serve} never runs (issue 16).
     */
    static CommandLine commandLine(Map<String, String> env, ServerRunner server, String[] args) {
        boolean serve = args.length > 0 && args[0].equals("serve");
        return commandLine(env, server, serve ? List.of(ServeCommand.class) : SUBCOMMANDS);
    }

    private static CommandLine commandLine(Map<String, String> env, ServerRunner server, List<Class<?>> subcommands) {
        CliContext context = new CliContext(env, server);
        CommandLine cli = new CommandLine(new LanyardCommand(), new ContextFactory(context));
        for (Class<?> subcommand : subcommands) cli.addSubcommand(subcommand);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        cli.setExecutionExceptionHandler((e, command, parseResult) -> {
            PrintWriter err = command.getErr();
            return switch (e) {
                case CliException c -> {
                    err.println("error: " + c.getMessage());
                    yield 1;
                }
                case Settings.InvalidSettingException s -> invalidSetting(err, s);
                default -> throw e; // a bug or a failed server start: picocli prints the stack trace, exit 1
            };
        });
        return cli;
    }

    /** Builds subcommands through a {@code (CliContext)} constructor when they have one. */
    private record ContextFactory(CliContext context) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == CliContext.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(context));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }
}
