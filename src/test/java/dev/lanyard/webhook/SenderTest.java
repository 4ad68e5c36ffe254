package dev.lanyard.webhook;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The sender against a local HTTP server: what it refuses, what it does not follow, what it keeps of an answer. */
class SenderTest {
    static final AtomicInteger hits = new AtomicInteger();
    static final HttpServer server = start();

    static HttpServer start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
            s.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            s.createContext("/ok", x -> {
                hits.incrementAndGet();
                x.getRequestBody().readAllBytes();
                byte[] b = ("{\"seen\":\"" + x.getRequestHeaders().getFirst("webhook-id") + "\"}").getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, b.length);
                x.getResponseBody().write(b);
                x.close();
            });
            s.createContext("/redirect", x -> {
                hits.incrementAndGet();
                x.getResponseHeaders().add("Location", "http://127.0.0.1:" + x.getLocalAddress().getPort() + "/ok");
                x.sendResponseHeaders(302, -1);
                x.close();
            });
            s.createContext("/huge", x -> {
                x.sendResponseHeaders(500, 0);  // chunked
                byte[] chunk = "x".repeat(8192).getBytes(StandardCharsets.UTF_8);
                for (int i = 0; i < 128; i++) x.getResponseBody().write(chunk);
                x.close();
            });
            s.start();
            return s;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void stop() {
        server.stop(0);
    }

    static URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void without_the_operators_allowance_a_loopback_receiver_gets_nothing() {
        int before = hits.get();
        Sender.Outcome o = new Sender(false).post(url("/ok"), Map.of("webhook-id", "msg_1"), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(o).isInstanceOf(Sender.Outcome.Failed.class);
        assertThat(((Sender.Outcome.Failed) o).error()).contains("refused").contains("127.0.0.1").contains("loopback")
                .contains("LANYARD_WEBHOOKS_ALLOW_PRIVATE");
        assertThat(hits.get()).isEqualTo(before);
        assertThat(new Sender(true).post(URI.create("http://localhost:" + server.getAddress().getPort() + "/ok"), Map.of(), new byte[0]))
                .isInstanceOf(Sender.Outcome.Answered.class);
        assertThat(((Sender.Outcome.Failed) new Sender(true).post(URI.create("http://169.254.169.254/latest/meta-data"), Map.of(), new byte[0]))
                .error()).as("the metadata service, even with the allowance").contains("metadata");
    }

    @Test
    void with_the_allowance_it_posts_the_headers_and_keeps_the_answer() {
        Sender.Outcome o = new Sender(true).post(url("/ok"), Map.of("webhook-id", "msg_2"), "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(o).isEqualTo(new Sender.Outcome.Answered(200, "{\"seen\":\"msg_2\"}", o.latencyMs()));
    }

    @Test
    void a_redirect_is_not_followed() {
        int before = hits.get();
        Sender.Outcome o = new Sender(true).post(url("/redirect"), Map.of(), new byte[0]);
        assertThat(o).isInstanceOf(Sender.Outcome.Answered.class).extracting(a -> ((Sender.Outcome.Answered) a).status()).isEqualTo(302);
        assertThat(hits.get()).as("only the redirecting path was asked").isEqualTo(before + 1);
    }

    @Test
    void only_an_excerpt_of_a_huge_answer_is_kept() {
        Sender.Outcome o = new Sender(true).post(url("/huge"), Map.of(), new byte[0]);
        assertThat(o).isInstanceOf(Sender.Outcome.Answered.class);
        assertThat(((Sender.Outcome.Answered) o).excerpt()).hasSize(Sender.EXCERPT_BYTES);
    }

    @Test
    void an_endpoint_that_does_not_answer_is_given_up_after_ten_seconds() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            // Accepts the connection (the kernel does), never answers.
            long start = System.nanoTime();
            Sender.Outcome o = new Sender(true).post(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/"), Map.of(), new byte[0]);
            long took = (System.nanoTime() - start) / 1_000_000;
            assertThat(o).isInstanceOf(Sender.Outcome.Failed.class);
            assertThat(((Sender.Outcome.Failed) o).error()).contains("no answer within 10 s");
            assertThat(took).isBetween(9_500L, 12_000L);
        }
    }

    @Test
    void an_unknown_host_fails_without_a_connection() {
        assertThat(((Sender.Outcome.Failed) new Sender(true).post(URI.create("https://no-such-host.invalid/x"), Map.of(), new byte[0]))
                .error()).contains("unknown");
    }
}
