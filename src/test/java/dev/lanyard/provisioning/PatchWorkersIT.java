package dev.lanyard.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.account.AccountProfile;
import dev.lanyard.account.AccountService;
import dev.lanyard.account.Precondition;
import dev.lanyard.domain.Actor;
import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.Workers;
import dev.lanyard.storage.Transactions;
import dev.lanyard.testing.TestApp;
import dev.lanyard.token.ProvisioningToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Which PATCHes the {@code scim-patch} workers apply (UserOperations, UserPatch.small): a small
 * one (an IdP's deactivation) on the request's thread, a bigger one on the workers, so that a
 * PATCH with many operations or big values never holds a carrier thread (domain.Workers,
 * docs/security.md). Seen from outside: with every worker busy and their queue full, the small
 * PATCH is applied and the bigger one is refused (503) without writing anything.
 */
class PatchWorkersIT {
    static final TestApp app = TestApp.start();
    static final ObjectMapper JSON = new ObjectMapper();

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void a_small_patch_is_applied_on_the_requests_thread_and_a_bigger_one_waits_for_the_workers() throws Exception {
        UUID orgId = UUID.fromString(app.newOrg("patch-workers").id());
        AccountService accounts = new AccountService(new Transactions(app.dataSource()));
        var attributes = JsonNodeFactory.instance.objectNode().put("userName", "ada@workers.example");
        attributes.putObject("name").put("givenName", "Ada");
        UUID user = accounts.provision(orgId, new AccountProfile("ada@workers.example", Optional.empty(), Optional.empty(),
                Optional.of(true), attributes), new Actor.Operator()).scimId().orElseThrow();
        var caller = new ProvisioningToken.Holder(UUID.randomUUID(), orgId, true);
        JsonNode big = patch(String.join(",", Collections.nCopies(9, "{\"op\":\"replace\",\"path\":\"name.givenName\",\"value\":\"Grace\"}")));

        CountDownLatch release = new CountDownLatch(1);
        try (Workers workers = new Workers("test-patch", 1, 1, "changes")) {
            var operations = new UserOperations(accounts, workers);
            // The one worker busy, and its queue of one full.
            for (int i = 0; i < 2; i++) {
                Thread.ofVirtual().start(() -> {
                    try {
                        workers.run(() -> release.await(10, TimeUnit.SECONDS));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (workers.queued() < 1 && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(workers.queued()).isEqualTo(1);

            var deactivated = operations.patch(caller, user, Precondition.NONE,
                    patch("{\"op\":\"replace\",\"value\":{\"active\":false}}"), "/Users");
            assertThat(deactivated.status()).isEqualTo(200);
            assertThat(accounts.findLinked(orgId, user).orElseThrow().active()).isFalse();

            long version = accounts.findLinked(orgId, user).orElseThrow().version();
            assertThatThrownBy(() -> operations.patch(caller, user, Precondition.NONE, big, "/Users"))
                    .isInstanceOf(DomainException.Busy.class);
            assertThat(accounts.findLinked(orgId, user).orElseThrow().version()).isEqualTo(version);  // nothing written

            release.countDown();
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (workers.queued() > 0 && System.nanoTime() < deadline) Thread.sleep(5);
            assertThat(operations.patch(caller, user, Precondition.NONE, big, "/Users").status()).isEqualTo(200);
            assertThat(accounts.findLinked(orgId, user).orElseThrow().attributes().get("name").get("givenName").asText())
                    .isEqualTo("Grace");
        }
    }

    private static JsonNode patch(String operations) throws Exception {
        return JSON.readTree("{\"schemas\":[\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"],\"Operations\":[" + operations + "]}");
    }
}
