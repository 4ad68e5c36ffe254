package dev.lanyard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A small HTTP client for tests: real requests over loopback, JSON answers. */
public final class Http {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String baseUrl;
    private final HttpClient client;

    public Http(String baseUrl) {
        this.baseUrl = baseUrl;
        this.client = CLIENT;
    }

    /** Requests from another loopback source address (127.0.0.2, ...): per-address limits see another client. */
    public Http(String baseUrl, java.net.InetAddress localAddress) {
        this.baseUrl = baseUrl;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).localAddress(localAddress).build();
    }

    public Response send(String method, String path, String bearer, String body) {
        return send(method, path, body, bearer == null ? Map.of() : Map.of("Authorization", "Bearer " + bearer));
    }

    public Response send(String method, String path, String body, Map<String, String> headers) {
        var builder = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : baseUrl + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null && !headers.containsKey("Content-Type")) builder.header("Content-Type", "application/scim+json");
        headers.forEach(builder::header);
        try {
            HttpResponse<String> r = client.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** An answer: status, headers (lower-case names), raw body. */
    public record Response(int status, Map<String, java.util.List<String>> headers, String body) {
        public JsonNode json() {
            try {
                return body == null || body.isEmpty() ? JSON.nullNode() : JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            var values = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.getFirst();
        }

        public Response expect(int expected) {
            if (status != expected) throw new AssertionError("expected HTTP " + expected + " but got " + this);
            return this;
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }
}
