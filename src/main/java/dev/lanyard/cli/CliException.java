package dev.lanyard.cli;

/** A failure the user can act on; printed as {@code error: <message>} without a stack trace, exit code 1. */
final class CliException extends RuntimeException {

    CliException(String message) {
        super(message);
    }
}
