package dev.lanyard.cli;

import dev.lanyard.config.Settings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the command line in-process with a given environment, capturing stdout, stderr and started servers. */
final class CliRunner {

    record Result(int exitCode, String out, String err, List<Settings> served) {}

    private CliRunner() {}

    static Result run(Map<String, String> env, String... args) {
        List<Settings> served = new ArrayList<>();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = LanyardCommand.execute(env, served::add, args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(code, out.toString(), err.toString(), served);
    }
}
