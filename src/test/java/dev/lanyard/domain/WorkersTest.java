package dev.lanyard.domain;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WorkersTest {
    @Test
    void a_full_queue_refuses_at_once_with_busy_and_a_retry_after() throws Exception {
        try (Workers workers = new Workers("test", 1, 1, "password checks")) {
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> {
                try {
                    return workers.run(() -> release.await(10, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            Thread.sleep(200);
            CompletableFuture<Object> queued = CompletableFuture.supplyAsync(() -> workers.run(() -> "queued"),
                    java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            Thread.sleep(200);
            assertThatThrownBy(() -> workers.run(() -> "refused")).isInstanceOf(DomainException.Busy.class)
                    .hasMessageContaining("password checks")
                    .satisfies(e -> assertThat(((DomainException.Busy) e).retryAfterSeconds()).isPositive());
            release.countDown();
            assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo(true);
            assertThat(queued.get(10, TimeUnit.SECONDS)).isEqualTo("queued");
        }
    }

    @Test
    void the_works_own_exception_comes_back_as_is() {
        try (Workers workers = new Workers("test", 1, 1, "x")) {
            assertThatThrownBy(() -> workers.run(() -> {
                throw new java.io.IOException("mine");
            })).isInstanceOf(java.io.IOException.class).hasMessage("mine");
        }
    }
}
