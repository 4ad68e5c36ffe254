package dev.lanyard.cli;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** Where the admin API is and how to authenticate to it; shared by every client subcommand. */
final class ClientOptions {

    static final String DEFAULT_SERVER = "http://127.0.0.1:8080";
    static final String TOKEN_FILE = "operator-token";

    @Option(names = "--server", paramLabel = "URL",
            description = "Lanyard server (env LANYARD_SERVER, default " + DEFAULT_SERVER + ").")
    Optional<String> server = Optional.empty();

    @Option(names = "--data", paramLabel = "DIR",
            description = "The server's data folder, read for the operator token (env LANYARD_DATA, default ./data).")
    Optional<Path> data = Optional.empty();

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Operator token (env LANYARD_OPERATOR_TOKEN, default: the content of DIR/" + TOKEN_FILE + ")."
                    + " Prefer the variable or the file: other users can read command lines.")
    Optional<String> token = Optional.empty();

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The server to call and the token to send: options first, then the environment, then the data folder. */
    Connection resolve(CliContext context) {
        String url = server.or(() -> context.env("LANYARD_SERVER")).orElse(DEFAULT_SERVER).replaceAll("/+$", "");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(mixee.commandLine(), "--server / LANYARD_SERVER is not a URL: " + url);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new ParameterException(mixee.commandLine(), "--server / LANYARD_SERVER must be an http(s) URL, got " + url);
        }
        return new Connection(uri, operatorToken(context));
    }

    private String operatorToken(CliContext context) {
        Optional<String> given = token.map(String::trim).filter(t -> !t.isEmpty())
                .or(() -> context.env("LANYARD_OPERATOR_TOKEN"));
        if (given.isPresent()) return given.get();
        Path dir = data.or(() -> context.env("LANYARD_DATA").map(Path::of)).orElse(Path.of("data"))
                .toAbsolutePath().normalize();
        Path file = dir.resolve(TOKEN_FILE);
        try {
            String stored = Files.readString(file).trim();
            if (!stored.isEmpty()) return stored;
        } catch (NoSuchFileException e) {
            // fall through to the hint below
        } catch (IOException e) {
            throw new CliException("cannot read the operator token from " + file + ": " + e.getMessage());
        }
        throw new CliException("no operator token: start the server once with `bin/lanyard serve --data " + dir
                + "` (it writes " + file + ") or pass --token");
    }

    /** A resolved admin API endpoint; {@code server} has no trailing slash. */
    record Connection(URI server, String operatorToken) {
        @Override
        public String toString() {
            return "Connection[server=" + server + "]"; // never the token
        }
    }
}
