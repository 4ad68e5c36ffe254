package dev.lanyard;

import dev.lanyard.cli.LanyardCommand;

/** Process entry point: the {@code lanyard} command line; {@code lanyard serve} starts the server. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(LanyardCommand.commandLine(System.getenv(), Lanyard::run, args).execute(args));
    }
}
