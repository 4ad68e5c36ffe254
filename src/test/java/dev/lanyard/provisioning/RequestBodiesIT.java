package dev.lanyard.provisioning;

import dev.lanyard.http.Json;
import dev.lanyard.testing.TestApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a SCIM body is read (http.Json.readBody): with a Content-Length, exactly that many bytes;
 * without one (chunked), up to the 1 MiB limit. Each way a whole body is a create, and a body that
 * is over the limit or ends before its declared length is refused with nothing written.
 */
class RequestBodiesIT {
    static TestApp app;
    static HttpClient client;

    @BeforeAll
    static void start() {
        app = TestApp.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private static String user(String userName) {
        return "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"" + userName + "\",\"active\":true}";
    }

    /** POSTs {@code body} to the organization's /Users with no Content-Length (HttpClient sends it chunked). */
    private static HttpResponse<String> postChunked(TestApp.Org org, byte[] body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(app.baseUrl() + org.scimPath() + "/Users"))
                .header("Authorization", "Bearer " + org.token())
                .header("Content-Type", "application/scim+json")
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static long users(TestApp.Org org) {
        return app.count("select count(*) from managed_accounts where org_id = ?::uuid", org.id());
    }

    @Test
    void a_chunked_body_within_the_limit_is_read_whole() throws Exception {
        TestApp.Org org = app.newOrg("chunked-body");
        HttpResponse<String> r = postChunked(org, user("chunked@example.com").getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(r.body()).contains("\"userName\":\"chunked@example.com\"");
        assertThat(users(org)).isEqualTo(1);
    }

    @Test
    void a_chunked_body_over_the_limit_is_413_and_nothing_is_written() throws Exception {
        TestApp.Org org = app.newOrg("chunked-too-large");
        // Valid JSON up to the limit and one byte past it: only its size can refuse it.
        String head = "{\"schemas\":[\"urn:ietf:params:scim:schemas:core:2.0:User\"],\"userName\":\"big@example.com\",\"nickName\":\"";
        String tail = "\"}";
        String body = head + "n".repeat(Json.MAX_BODY_BYTES + 1 - head.length() - tail.length()) + tail;
        assertThat(body.length()).isEqualTo(Json.MAX_BODY_BYTES + 1);
        HttpResponse<String> r = postChunked(org, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(413);
        assertThat(r.body()).contains("urn:ietf:params:scim:api:messages:2.0:Error");
        assertThat(users(org)).isZero();
    }

    @Test
    void a_body_shorter_than_its_content_length_is_refused_and_nothing_is_written() throws Exception {
        TestApp.Org org = app.newOrg("short-body");
        byte[] body = user("short@example.com").getBytes(StandardCharsets.UTF_8);
        URI base = URI.create(app.baseUrl());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + org.scimPath() + "/Users HTTP/1.1\r\nHost: " + base.getAuthority()
                    + "\r\nAuthorization: Bearer " + org.token() + "\r\nContent-Type: application/scim+json\r\nContent-Length: "
                    + (body.length + 40) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            socket.shutdownOutput();  // the client stops 40 bytes short of what it declared
            String answer = readAll(socket.getInputStream());
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
        assertThat(users(org)).isZero();
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
}
