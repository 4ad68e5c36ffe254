package dev.lanyard.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Errors Jetty produces before Javalin's router sees the request (URI too long, headers too large,
 * a bad percent-encoding) still answer in the shape of the API the path is under. Sent over a raw
 * socket, since well-behaved HTTP clients refuse to send most of them.
 */
class BelowRouterErrorsIT {
    static final TestApp app = TestApp.start();
    static final TestApp.Org org = app.newOrg("below-router");

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_uri_too_long_is_a_scim_error_414_that_points_to_search_by_post() throws Exception {
        Answer a = raw("GET " + org.scimPath() + "/Users?filter=" + "a".repeat(2 << 20) + " HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");

        assertThat(a.status()).isEqualTo(414);
        assertThat(a.header("Content-Type")).startsWith("application/scim+json");
        assertThat(a.json().get("schemas").get(0).asText()).isEqualTo("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(a.json().get("status").asText()).isEqualTo("414");
        assertThat(a.json().get("detail").asText()).contains("POST .../Users/.search");
    }

    @Test
    void headers_too_large_are_a_scim_error_431_under_scim_and_a_page_under_console() throws Exception {
        String big = "X-Big: " + "b".repeat(100_000) + "\r\n";
        Answer scim = raw("GET " + org.scimPath() + "/Users HTTP/1.1\r\nHost: x\r\n" + big + "Connection: close\r\n\r\n");
        Answer console = raw("GET /console/accounts HTTP/1.1\r\nHost: x\r\n" + big + "Connection: close\r\n\r\n");

        assertThat(scim.status()).isEqualTo(431);
        assertThat(scim.header("Content-Type")).startsWith("application/scim+json");
        assertThat(scim.json().get("status").asText()).isEqualTo("431");
        assertThat(console.status()).isEqualTo(431);
        assertThat(console.header("Content-Type")).startsWith("text/html");
        assertThat(console.body()).contains("<h1>431 Request Header Fields Too Large</h1>", "Back to the console");
    }

    @Test
    void a_bad_percent_encoding_is_a_scim_error_400() throws Exception {
        for (String bad : List.of("/Users/%00", "/Users/%zz", "/Users?filter=%", "/Users?filter=%zz", "/Users?filter=%C3%28", "/Users?filter=userName%20eq%20%22a%22%00")) {
            Answer a = raw("GET " + org.scimPath() + bad + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + org.token()
                    + "\r\nConnection: close\r\n\r\n");

            assertThat(a.status()).as(bad).isEqualTo(400);
            assertThat(a.header("Content-Type")).as(bad).startsWith("application/scim+json");
            assertThat(a.json().get("status").asText()).as(bad).isEqualTo("400");
            assertThat(a.json().get("detail").asText()).as(bad).isNotBlank();
        }
    }

    @Test
    void a_console_url_with_a_bad_percent_encoding_or_too_long_is_a_console_page_and_scim_stays_json() throws Exception {
        for (String bad : List.of("/console/accounts%zz", "/console/accounts/%")) {
            Answer a = raw("GET " + bad + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(a.status()).as(bad).isEqualTo(400);
            assertThat(a.header("Content-Type")).as(bad).startsWith("text/html");
            // The console's own page (its stylesheet, its header), not Jetty's and not a SCIM Error.
            assertThat(a.body()).as(bad).contains("<h1>400 Bad Request</h1>", "Lanyard console", "class=\"bar\"",
                    "percent-encoding", "href=\"/console\"").doesNotContain("urn:ietf:params:scim");
        }
        Answer longUrl = raw("GET /console/accounts?q=" + "a".repeat(2 << 20) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(longUrl.status()).isEqualTo(414);
        assertThat(longUrl.header("Content-Type")).startsWith("text/html");
        assertThat(longUrl.body()).contains("<h1>414 URI Too Long</h1>", "Lanyard console");

        // The same mistakes under /scim stay SCIM Errors, on the same server.
        Answer scim = raw("GET " + org.scimPath() + "/Users%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(scim.status()).isEqualTo(400);
        assertThat(scim.header("Content-Type")).startsWith("application/scim+json");
        assertThat(scim.body()).contains("urn:ietf:params:scim:api:messages:2.0:Error");
        Answer scimLong = raw("GET " + org.scimPath() + "/Users?filter=" + "a".repeat(2 << 20) + " HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(scimLong.status()).isEqualTo(414);
        assertThat(scimLong.header("Content-Type")).startsWith("application/scim+json");
    }

    /** A raw HTTP/1.1 answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        JsonNode json() throws IOException {
            return new ObjectMapper().readTree(body);
        }
    }

    static Answer raw(String request) throws IOException {
        String text = send(request);
        int split = text.indexOf("\r\n\r\n");
        String[] head = text.substring(0, split).split("\r\n");
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < head.length; i++) {
            int colon = head[i].indexOf(':');
            headers.put(head[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), head[i].substring(colon + 1).strip());
        }
        return new Answer(Integer.parseInt(head[0].split(" ")[1]), headers, text.substring(split + 4));
    }

    private static String send(String request) throws IOException {
        URI base = URI.create(app.baseUrl());
        try (Socket s = new Socket(base.getHost(), base.getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            try {
                out.write(request.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                // the server may answer and close before it read everything
            }
            InputStream in = s.getInputStream();
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            try {
                in.transferTo(got);
            } catch (IOException e) {
                // connection reset after the answer
            }
            return got.toString(StandardCharsets.UTF_8);
        }
    }
}
