package dev.lanyard.cli;

import dev.lanyard.config.Settings;

/**
 * Starts the server and blocks until the process is told to stop. {@code Main} passes
 * {@code Lanyard::run}; tests pass a fake so {@code serve} can be checked without a server.
 */
@FunctionalInterface
public interface ServerRunner {
    void run(Settings settings) throws Exception;
}
