package dev.lanyard.cli;

import java.util.Map;
import java.util.Optional;

/**
 * What commands take from the outside world, passed in rather than read from {@code System.getenv()}
 * so tests control it.
 */
record CliContext(Map<String, String> env, ServerRunner server) {

    CliContext {
        env = Map.copyOf(env);
    }

    /** An environment variable; set-but-blank counts as unset, as in {@code LANYARD_PORT= bin/lanyard serve}. */
    Optional<String> env(String name) {
        return Optional.ofNullable(env.get(name)).map(String::trim).filter(v -> !v.isEmpty());
    }
}
