package dev.lanyard.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.lanyard.webhook.WebhookSignature;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * The test app: a JDK HttpServer on 127.0.0.1 that records every webhook it is sent and answers
 * what {@link #answer} says (a status, after an optional delay). Verifies each signature as a
 * receiver would, with the secret it was given.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as it arrived. */
    public record Received(String path, String id, long timestamp, String signature, String body, Instant at, boolean validSignature) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String type() {
            return json().get("type").asText();
        }

        public String subject() {
            return json().get("subject_id").asText();
        }
    }

    /** What to answer: a status, after sleeping {@code delayMillis}. */
    public record Answer(int status, long delayMillis) {
        public static Answer ok() {
            return new Answer(204, 0);
        }
    }

    private final HttpServer server;
    /** Every request, as it arrived (before it was answered). */
    public final List<Received> received = new CopyOnWriteArrayList<>();
    /** The requests answered with a 2xx, in the order the answers went out. */
    public final List<Received> accepted = new CopyOnWriteArrayList<>();
    /** The signing secret of the endpoint at each path (what the app was shown once). */
    public final java.util.Map<String, String> secrets = new java.util.concurrent.ConcurrentHashMap<>();
    public volatile Function<Received, Answer> answer = r -> Answer.ok();

    public WebhookReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var h = exchange.getRequestHeaders();
            String id = h.getFirst("webhook-id");
            long ts = h.getFirst("webhook-timestamp") == null ? 0 : Long.parseLong(h.getFirst("webhook-timestamp"));
            String sig = h.getFirst("webhook-signature");
            String path = exchange.getRequestURI().getPath();
            String secret = secrets.get(path);
            boolean valid = secret != null && id != null && sig != null && WebhookSignature.verify(secret, id, ts, body, sig, System.currentTimeMillis() / 1000);
            Received r = new Received(path, id, ts, sig, new String(body, StandardCharsets.UTF_8), Instant.now(), valid);
            received.add(r);
            Answer a = answer.apply(r);
            if (a.delayMillis() > 0) {
                try {
                    Thread.sleep(a.delayMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (a.status() / 100 == 2) accepted.add(r);
            byte[] out = ("{\"received\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(a.status(), a.status() == 204 ? -1 : out.length);
            if (a.status() != 204) exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals(path)).toList();
    }

    public List<Received> accepted(String path) {
        return accepted.stream().filter(r -> r.path().equals(path)).toList();
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
