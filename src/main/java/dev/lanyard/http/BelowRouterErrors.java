package dev.lanyard.http;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/**
 * Answers for the errors Jetty produces before Javalin's router sees a request: 414 (URI too
 * long), 431 (headers too large), 400 (a malformed request line or percent-encoding). They get
 * the shapes of the rest of the server instead of Jetty's HTML page: a console page under
 * /console, else a SCIM Error (RFC 7644 §3.12), whose {@code status} and {@code detail} the
 * admin API's errors share. When Jetty could not read the path at all (a URI too long, a bad
 * encoding: it then reports "/badMessage" or "/badURI"), the start of the target as the client
 * sent it ({@link RequestStarts}) decides: a console page under /console, else the SCIM Error,
 * since the other clients that send such requests are API clients (a filter too long for a URL
 * belongs in POST /.search).
 */
public final class BelowRouterErrors extends ErrorHandler {
    private static final String SCIM_ERROR = "urn:ietf:params:scim:api:messages:2.0:Error";

    private final Predicate<String> console;
    private final java.util.function.BiFunction<Integer, String, String> page;

    /** @param console which paths the console owns (its errors are pages) */
    public BelowRouterErrors(Predicate<String> console) {
        this(console, BelowRouterErrors::html);
    }

    /**
     * @param console which paths the console owns (its errors are pages)
     * @param page    the console's error page for a status and a detail, as HTML
     */
    public BelowRouterErrors(Predicate<String> console, java.util.function.BiFunction<Integer, String, String> page) {
        this.console = console;
        this.page = page;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        int status = request.getAttribute(ERROR_STATUS) instanceof Integer s ? s : response.getStatus();
        String reason = request.getAttribute(ERROR_MESSAGE) instanceof String m ? m : null;
        String path = request.getHttpURI() == null ? null : request.getHttpURI().getPath();
        if (path == null || path.equals("/badMessage") || path.equals("/badURI")) {
            // Jetty could not parse the target: judge by how it began (its path part, up to any query).
            path = RequestStarts.of(request).map(t -> t.split("[?#]", 2)[0]).filter(t -> t.startsWith("/")).orElse(path);
        }
        boolean page = path != null && console.test(path);
        String detail = detail(status, reason);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, page ? "text/html; charset=utf-8"
                : path != null && !path.startsWith("/scim/") && !path.equals("/badMessage") && !path.equals("/badURI")
                ? "application/json" : "application/scim+json");
        byte[] body = page ? this.page.apply(status, detail).getBytes(StandardCharsets.UTF_8) : json(status, detail);
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    static String detail(int status, String reason) {
        return switch (status) {
            case 414 -> "the request URI is too long for this server; send a long filter in the body of "
                    + "POST .../Users/.search (RFC 7644 §3.4.3) instead of the query string";
            case 431 -> "the request headers are too large for this server";
            case 400 -> "the request is malformed" + (reason == null || reason.equals("Bad Request") ? ""
                    : ": " + reason) + "; check the URL's percent-encoding (%XX with two hex digits, no %00)";
            default -> reason != null ? reason : HttpStatus.getMessage(status);
        };
    }

    private static byte[] json(int status, String detail) {
        String body = "{\"schemas\":[\"" + SCIM_ERROR + "\"],\"status\":\"" + status + "\",\"detail\":\""
                + escapeJson(detail) + "\"}";
        return body.getBytes(StandardCharsets.UTF_8);
    }

    private static String html(int status, String detail) {
        String title = status + " " + HttpStatus.getMessage(status);
        String body = "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + escapeHtml(title)
                + " - Lanyard</title></head><body><main><h1>" + escapeHtml(title) + "</h1><p>" + escapeHtml(detail)
                + "</p><p><a href=\"/console\">Back to the console</a></p></main></body></html>";
        return body;
    }

    private static String escapeJson(String s) {
        StringBuilder out = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static String escapeHtml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
