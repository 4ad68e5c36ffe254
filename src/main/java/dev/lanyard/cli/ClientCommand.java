package dev.lanyard.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand that calls the admin API: resolves the server and token, runs, prints to stdout. */
abstract class ClientCommand implements Callable<Integer> {

    @Mixin
    ClientOptions client = new ClientOptions();

    @Spec
    CommandSpec spec;

    private final CliContext context;

    ClientCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public final Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        run(new AdminClient(client.resolve(context)), out);
        out.flush();
        return 0;
    }

    abstract void run(AdminClient admin, PrintWriter out);

    /** How absent values show in tables. */
    static String orDash(java.util.Optional<String> value) {
        return value.orElse("-");
    }
}
