package dev.lanyard.storage;

import dev.lanyard.domain.DomainException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Batches without a database: many submitters at once, each gets its own item's result,
 * batches stay within their bounds and the number that run at once, a failure reaches exactly the
 * items of its batch, and a submitter never waits unbounded.
 */
class BatchesTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    @Test
    void every_item_gets_its_own_result_and_batches_keep_their_bounds() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<List<Integer>> batches = Collections.synchronizedList(new ArrayList<>());
        Random random = new Random(7);
        Batches<Integer, String> writes = new Batches<>(2, 5, 40, 10_000, LONG, i -> 10, items -> {
            int now = running.incrementAndGet();
            mostAtOnce.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(1 + random.nextInt(3));  // a statement's time, so that others queue meanwhile
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            batches.add(items);
            running.decrementAndGet();
            return items.stream().map(i -> "r" + i).toList();
        });

        int submitters = 400;
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < submitters; i++) {
                int item = i;
                results.add(threads.submit(() -> writes.submit(item)));
            }
            for (int i = 0; i < submitters; i++) assertThat(results.get(i).get(30, TimeUnit.SECONDS)).isEqualTo("r" + i);
        }

        assertThat(mostAtOnce.get()).isBetween(1, 2);
        assertThat(batches).allSatisfy(b -> assertThat(b).hasSizeBetween(1, 4));  // 5 items, but 4 x 10 = the 40 bytes
        assertThat(batches.stream().mapToInt(List::size).sum()).isEqualTo(submitters);
        assertThat(batches.stream().flatMap(List::stream).distinct().count()).isEqualTo(submitters);  // each written once
        assertThat(batches).anySatisfy(b -> assertThat(b).hasSizeGreaterThan(1));                      // they were batched
        assertThat(writes.waiting()).isZero();
    }

    @Test
    void items_that_arrive_while_the_slots_are_busy_go_together_in_the_next_batch() throws Exception {
        Held held = Held.with(100, LONG, items -> items);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = held.first(threads);
            List<Future<String>> later = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String item = "later-" + i;
                later.add(threads.submit(() -> held.writes().submit(item)));
            }
            held.untilWaiting(6);
            held.release().countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
            for (int i = 0; i < 6; i++) assertThat(later.get(i).get(10, TimeUnit.SECONDS)).isEqualTo("later-" + i);
        }
        assertThat(held.batches()).hasSize(2);
        assertThat(held.batches().get(1)).containsExactlyInAnyOrder("later-0", "later-1", "later-2", "later-3", "later-4", "later-5");
    }

    @Test
    void a_failed_batch_fails_its_items_and_no_others() throws Exception {
        Held held = Held.with(100, LONG, items -> {
            if (items.contains("bad")) throw new IllegalStateException("refused: " + items);
            return items;
        });
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = held.first(threads);
            Future<String> bad = threads.submit(() -> held.writes().submit("bad"));
            Future<String> beside = threads.submit(() -> held.writes().submit("beside"));
            held.untilWaiting(2);
            held.release().countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
            for (Future<String> f : List.of(bad, beside)) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("refused");
            }
            assertThat(threads.submit(() -> held.writes().submit("after")).get(10, TimeUnit.SECONDS)).isEqualTo("after");
        }
    }

    @Test
    void waiting_is_bounded_in_count_and_in_time() throws Exception {
        Held held = Held.with(2, Duration.ofMillis(200), items -> items);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = held.first(threads);
            Future<String> a = threads.submit(() -> held.writes().submit("a"));
            Future<String> b = threads.submit(() -> held.writes().submit("b"));
            held.untilWaiting(2);
            // Two wait: a third is refused at once.
            assertThatThrownBy(() -> held.writes().submit("c")).isInstanceOf(DomainException.Busy.class);
            // The two that wait give up after 200 ms, unwritten, while the slot stays busy.
            for (Future<String> f : List.of(a, b)) {
                assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(DomainException.Busy.class);
            }
            assertThat(held.writes().waiting()).isZero();
            held.release().countDown();
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        }
        assertThat(held.batches()).containsExactly(List.of("first"));
    }

    @Test
    void an_interrupted_submitter_still_gets_its_result_and_keeps_its_interrupt() throws Exception {
        Held held = Held.with(100, LONG, items -> items);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<String> first = held.first(threads);
            AtomicInteger interruptedAfter = new AtomicInteger(-1);
            Thread waiter = Thread.ofVirtual().start(() -> {
                String result = held.writes().submit("second");
                interruptedAfter.set(result.equals("second") && Thread.currentThread().isInterrupted() ? 1 : 0);
            });
            held.untilWaiting(1);
            waiter.interrupt();
            Thread.sleep(50);  // it must park again, not spin, nor give up its place
            assertThat(held.writes().waiting()).isEqualTo(1);
            held.release().countDown();
            waiter.join(Duration.ofSeconds(10));
            assertThat(interruptedAfter.get()).isEqualTo(1);
            assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        }
    }

    /**
     * One batch at a time; the batch that holds "first" waits until {@code release}, so that
     * what is submitted meanwhile queues. Every batch is recorded, then handed to {@code then}.
     */
    private record Held(Batches<String, String> writes, CountDownLatch started, CountDownLatch release,
                        List<List<String>> batches) {
        static Held with(int maxQueued, Duration maxWait, java.util.function.UnaryOperator<List<String>> then) {
            CountDownLatch started = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            List<List<String>> batches = Collections.synchronizedList(new ArrayList<>());
            var writes = new Batches<String, String>(1, 32, 1 << 20, maxQueued, maxWait, String::length, items -> {
                batches.add(items);
                if (items.contains("first")) {
                    started.countDown();
                    await(release);
                    return items;
                }
                return then.apply(items);
            });
            return new Held(writes, started, release, batches);
        }

        /** Submits "first" and returns once its batch holds the only slot. */
        Future<String> first(ExecutorService threads) throws InterruptedException {
            Future<String> first = threads.submit(() -> writes.submit("first"));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            return first;
        }

        void untilWaiting(int n) throws InterruptedException {
            while (writes.waiting() < n) Thread.sleep(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(20, TimeUnit.SECONDS)) throw new IllegalStateException("the test never released the batch");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
