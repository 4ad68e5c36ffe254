package dev.lanyard.console;

/** A console page that went wrong (console/error.jte): a title, what to do next, and where to go. */
public record ErrorPage(String title, String message, String nextHref, String nextLabel) {

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
