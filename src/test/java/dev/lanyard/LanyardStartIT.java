package dev.lanyard;

import dev.lanyard.config.Settings;
import dev.lanyard.testing.TestDb;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server started as {@code bin/lanyard serve} starts it ({@link Lanyard#start}) answers ready and,
 * once it listens, keeps its pool at full size: during the start the pool held one connection
 * (issue 16, Database.fillPool; SchemaCheckIT checks the pool itself).
 */
class LanyardStartIT {

    @Test
    void once_listening_the_server_is_ready_and_keeps_its_whole_pool() throws Exception {
        String url = TestDb.createDatabase();
        Path data = Files.createTempDirectory("lanyard-start");
        try {
            Settings settings = new Settings("127.0.0.1", 0, data, Optional.empty(), Optional.of(url));
            try (Lanyard lanyard = Lanyard.start(settings)) {
                var ready = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(lanyard.baseUrl() + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ready.statusCode()).isEqualTo(200);
                assertThat(lanyard.database().minimumIdle()).isEqualTo(settings.dbPoolSize());
            }
        } finally {
            TestDb.dropDatabase(url);
            try (var paths = Files.walk(data)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
