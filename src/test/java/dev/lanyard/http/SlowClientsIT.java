package dev.lanyard.http;

import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 8 item 10: slow clients are cut off; /metrics is the operator's. */
class SlowClientsIT {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = TestApp.start();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_client_that_trickles_its_headers_is_disconnected_after_the_header_timeout() throws Exception {
        int port = Integer.parseInt(app.baseUrl().substring(app.baseUrl().lastIndexOf(':') + 1));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(30_000);
            long t = System.nanoTime();
            var out = s.getOutputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            // A byte every 2 s would keep an idle timeout from ever firing; the header deadline does not care.
            int read = 0;
            for (int i = 0; i < 12 && read != -1; i++) {
                try {
                    out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (java.io.IOException closed) {
                    read = -1;
                    break;
                }
                s.setSoTimeout(2000);
                try {
                    read = in.read();
                } catch (java.net.SocketTimeoutException stillOpen) {
                    read = 0;
                } catch (java.io.IOException reset) {
                    read = -1;
                }
            }
            long seconds = (System.nanoTime() - t) / 1_000_000_000;
            assertThat(read).as("the server closed the connection").isEqualTo(-1);
            assertThat(seconds).isBetween(SlowClients.HEADER_TIMEOUT.toSeconds() - 1, SlowClients.HEADER_TIMEOUT.toSeconds() + 6);
        }
        app.http().send("GET", "/healthz", (String) null, (String) null).expect(200);  // others are served
    }

    /**
     * The deadline holds for every request of a kept-alive connection, counted from the request's
     * first byte: a quiet pause between requests is the idle timeout's business, not this one's.
     */
    @Test
    void a_later_request_on_a_kept_alive_connection_that_trickles_its_headers_is_disconnected_too() throws Exception {
        int port = Integer.parseInt(app.baseUrl().substring(app.baseUrl().lastIndexOf(':') + 1));
        try (Socket s = new Socket("127.0.0.1", port)) {
            var out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(10_000);
            String first = readResponse(in);
            assertThat(first).startsWith("HTTP/1.1 200").doesNotContain("Connection: close");
            Thread.sleep(3000);  // quiet between requests: allowed

            long t = System.nanoTime();
            out.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            int read = 0;
            for (int i = 0; i < 12 && read != -1; i++) {
                try {
                    out.write(("X-Slow-" + i + ": y\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (java.io.IOException closed) {
                    read = -1;
                    break;
                }
                s.setSoTimeout(2000);
                try {
                    read = in.read();
                } catch (java.net.SocketTimeoutException stillOpen) {
                    read = 0;
                } catch (java.io.IOException reset) {
                    read = -1;
                }
            }
            long seconds = (System.nanoTime() - t) / 1_000_000_000;
            assertThat(read).as("the server closed the connection").isEqualTo(-1);
            assertThat(seconds).as("counted from the second request's first byte")
                    .isBetween(SlowClients.HEADER_TIMEOUT.toSeconds() - 1, SlowClients.HEADER_TIMEOUT.toSeconds() + 6);
        }
    }

    /** One response with a Content-Length body, read off the stream. */
    private static String readResponse(InputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) throw new java.io.EOFException(head.toString());
            head.append((char) b);
        }
        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        int length = m.find() ? Integer.parseInt(m.group(1)) : 0;
        in.readNBytes(length);
        return head.toString();
    }

    @Test
    void metrics_need_the_operator_token() {
        app.http().send("GET", "/metrics", (String) null, (String) null).expect(401);
        app.http().send("GET", "/metrics", "wrong", (String) null).expect(401);
        assertThat(app.http().send("GET", "/metrics", app.operatorToken(), (String) null).expect(200).body())
                .contains("lanyard_http_requests");
    }
}
