package dev.lanyard.provisioning;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.client.Client;
import jakarta.ws.rs.core.Configuration;
import org.glassfish.jersey.client.ClientRequest;
import org.glassfish.jersey.client.ClientResponse;
import org.glassfish.jersey.client.spi.AsyncConnectorCallback;
import org.glassfish.jersey.client.spi.Connector;
import org.glassfish.jersey.client.spi.ConnectorProvider;
import org.glassfish.jersey.message.internal.Statuses;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * A Jersey connector on {@link java.net.http.HttpClient}, for the scim2-sdk-client in tests.
 *
 * <p>Why: Jersey's default connector is HttpURLConnection, which refuses PATCH. Jersey's
 * {@code SET_METHOD_WORKAROUND} sets the method by reflection into {@code java.net}, which JDK 17+
 * forbids unless the test JVM runs with {@code --add-opens java.base/java.net=ALL-UNNAMED}
 * ("InaccessibleObjectException: module java.base does not opens java.net"). The JDK's own
 * client sends any method, so the SCIM client can PATCH without JVM flags.
 */
final class JdkHttpConnector implements Connector {
    /** Headers java.net.http sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    static ConnectorProvider provider() {
        return (Client client, Configuration configuration) -> new JdkHttpConnector();
    }

    @Override
    public ClientResponse apply(ClientRequest request) {
        try {
            byte[] body = entity(request);
            HttpRequest.Builder builder = HttpRequest.newBuilder(request.getUri())
                    .timeout(Duration.ofSeconds(30))
                    .method(request.getMethod(), body == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(body));
            // Read after writeEntity: the entity providers may have set Content-Type.
            request.getStringHeaders().forEach((name, values) -> {
                if (RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) return;
                values.forEach(v -> builder.header(name, v));
            });
            HttpResponse<byte[]> answer = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
            ClientResponse response = new ClientResponse(Statuses.from(answer.statusCode()), request);
            answer.headers().map().forEach((name, values) -> {
                if (!name.startsWith(":")) response.headers(name, values);
            });
            response.setEntityStream(new ByteArrayInputStream(answer.body()));
            return response;
        } catch (IOException e) {
            throw new ProcessingException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProcessingException(e);
        }
    }

    private static byte[] entity(ClientRequest request) throws IOException {
        if (!request.hasEntity()) return null;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        request.setStreamProvider(contentLength -> buffer);
        request.writeEntity();
        return buffer.toByteArray();
    }

    @Override
    public Future<?> apply(ClientRequest request, AsyncConnectorCallback callback) {
        return CompletableFuture.runAsync(() -> {
            try {
                callback.response(apply(request));
            } catch (RuntimeException e) {
                callback.failure(e);
            }
        });
    }

    @Override
    public String getName() {
        return "java.net.http";
    }

    @Override
    public void close() {
        http.close();
    }
}
