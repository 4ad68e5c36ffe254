package dev.lanyard.token;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {
    /** Each hash starts from an empty digest, also when many threads hash at once. */
    @Test
    void hash_is_sha256_of_the_secret_from_any_number_of_threads() throws Exception {
        Random random = new Random(16);
        List<String> secrets = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) secrets.add(Secrets.generate("lanyard_scim_") + "é".repeat(random.nextInt(3)));
        try (var pool = Executors.newFixedThreadPool(8)) {
            List<Future<Boolean>> checks = new ArrayList<>();
            for (String secret : secrets) {
                Callable<Boolean> check = () -> MessageDigest.isEqual(Secrets.hash(secret),
                        MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
                checks.add(pool.submit(check));
            }
            for (Future<Boolean> check : checks) assertThat(check.get()).isTrue();
        }
    }
}
