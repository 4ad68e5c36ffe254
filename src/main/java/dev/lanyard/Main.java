package dev.lanyard;

import dev.lanyard.cli.LanyardCommand;

import java.io.PrintWriter;

/** Process entry point: the {@code lanyard} command line; {@code lanyard serve} starts the server. */
public final class Main {

    private Main() {}

    public static void main(String[] args) {
        System.exit(LanyardCommand.execute(System.getenv(), Lanyard::run, args,
                new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }
}
