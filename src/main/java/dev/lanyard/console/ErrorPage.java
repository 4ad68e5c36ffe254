package dev.lanyard.console;

import dev.lanyard.orgadmin.ConsoleSession;

import java.util.Optional;

/**
 * A console page that went wrong (console/error.jte): a title, what to do next, and where to go;
 * with the signed-in header (the sections, who is signed in, Sign out) when there is a session,
 * so an error never looks like being thrown out.
 */
public record ErrorPage(String title, String message, String nextHref, String nextLabel, Optional<ConsoleSession> session) {

    public ErrorPage(String title, String message, String nextHref, String nextLabel) {
        this(title, message, nextHref, nextLabel, Optional.empty());
    }

    ErrorPage with(Optional<ConsoleSession> signedIn) {
        return new ErrorPage(title, message, nextHref, nextLabel, signedIn);
    }

    static ErrorPage forStatus(int status, String detail) {
        return switch (status) {
            case 403 -> new ErrorPage("This form cannot be accepted", detail, "/console/login", "Back to the console");
            case 404 -> new ErrorPage("Page not found", "There is no console page at this address.", "/console", "Go to the console");
            case 405 -> new ErrorPage("Not allowed", detail, "/console", "Go to the console");
            default -> status >= 500
                    ? new ErrorPage("Something went wrong", detail, "/console", "Go to the console")
                    : new ErrorPage("The request cannot be handled", detail, "/console", "Go to the console");
        };
    }
}
