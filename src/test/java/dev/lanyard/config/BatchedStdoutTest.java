package dev.lanyard.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The log's appender: request lines in batches, every line once, in the order logged, nothing left at a stop. */
class BatchedStdoutTest {
    private final LoggerContext context = new LoggerContext();

    private PatternLayoutEncoder encoder() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%logger %msg%n");
        encoder.start();
        return encoder;
    }

    private ILoggingEvent event(String logger, String message) {
        return new LoggingEvent("test", context.getLogger(logger), Level.INFO, message, null, null);
    }

    /** Counts the writes it gets, so a test can tell one write per line from one per batch. */
    private static final class Recording extends OutputStream {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final AtomicInteger writes = new AtomicInteger();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
            writes.incrementAndGet();
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
            writes.incrementAndGet();
        }

        synchronized List<String> lines() {
            String text = bytes.toString(StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }

    private BatchedStdout appender(Recording out, int maxQueuedBytes) {
        BatchedStdout appender = new BatchedStdout(encoder(), () -> out,
                e -> BatchedStdout.ACCESS_LOGGER.equals(e.getLoggerName()), maxQueuedBytes);
        appender.setContext(context);
        appender.start();
        return appender;
    }

    @Test
    void every_request_line_from_many_threads_is_written_once_and_in_fewer_writes_than_lines() throws Exception {
        Recording out = new Recording();
        BatchedStdout appender = appender(out, BatchedStdout.MAX_QUEUED_BYTES);
        int threads = 16;
        int perThread = 2_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> started = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            started.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                for (int i = 0; i < perThread; i++) appender.doAppend(event("lanyard.access", thread + ":" + i));
            }));
        }
        go.countDown();
        for (Thread t : started) t.join(TimeUnit.SECONDS.toMillis(30));
        appender.stop();

        List<String> lines = out.lines();
        assertThat(lines).hasSize(threads * perThread).doesNotHaveDuplicates();
        // Each thread's own lines in the order it logged them.
        for (int t = 0; t < threads; t++) {
            String prefix = "lanyard.access " + t + ":";
            List<Integer> mine = lines.stream().filter(l -> l.startsWith(prefix))
                    .map(l -> Integer.parseInt(l.substring(prefix.length()))).toList();
            assertThat(mine).isSorted().hasSize(perThread);
        }
        assertThat(out.writes.get()).as("writes for %d lines", lines.size()).isLessThan(lines.size() / 4);
    }

    @Test
    void another_line_is_written_at_once_after_the_request_lines_logged_before_it() {
        Recording out = new Recording();
        BatchedStdout appender = appender(out, BatchedStdout.MAX_QUEUED_BYTES);
        for (int i = 0; i < 100; i++) appender.doAppend(event("lanyard.access", "GET /x " + i));
        appender.doAppend(event("dev.lanyard.Lanyard", "stopping"));

        // No stop, no wait: the WARN-or-any line is on stdout when doAppend returns, after the 100.
        List<String> lines = out.lines();
        assertThat(lines).hasSize(101);
        assertThat(lines.get(100)).isEqualTo("dev.lanyard.Lanyard stopping");
        assertThat(lines.get(99)).isEqualTo("lanyard.access GET /x 99");
        appender.stop();
    }

    @Test
    void request_lines_are_written_without_a_stop_soon_after() throws Exception {
        Recording out = new Recording();
        BatchedStdout appender = appender(out, BatchedStdout.MAX_QUEUED_BYTES);
        appender.doAppend(event("lanyard.access", "GET /alone"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (out.lines().isEmpty() && System.nanoTime() < deadline) Thread.sleep(1);
        assertThat(out.lines()).containsExactly("lanyard.access GET /alone");
        appender.stop();
    }

    @Test
    void a_full_queue_makes_the_request_write_itself_and_nothing_is_lost() {
        Recording out = new Recording();
        // A writer that cannot write: the stream blocks until released, so the queue fills.
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger blocked = new AtomicInteger();
        OutputStream stuck = new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("whole lines only");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (blocked.getAndIncrement() == 0) {
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                out.write(b, off, len);
            }
        };
        // Room for lines 1 to 10 ("lanyard.access 1\n" is 17 bytes, "lanyard.access 10\n" 18), not for 11.
        BatchedStdout appender = new BatchedStdout(encoder(), () -> stuck,
                e -> BatchedStdout.ACCESS_LOGGER.equals(e.getLoggerName()), 9 * 17 + 18);
        appender.setContext(context);
        appender.start();
        appender.doAppend(event("lanyard.access", "0"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (blocked.get() == 0 && System.nanoTime() < deadline) Thread.onSpinWait();  // the writer is stuck in its write
        for (int i = 1; i <= 10; i++) appender.doAppend(event("lanyard.access", String.valueOf(i)));  // fills the queue
        Thread late = Thread.ofVirtual().start(() -> appender.doAppend(event("lanyard.access", "11")));  // finds it full
        try {
            // It did not queue its line and go: it waits to write the queue and its line itself.
            assertThat(late.join(java.time.Duration.ofMillis(300))).as("the request that found the queue full returned").isFalse();
            release.countDown();
            late.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        appender.stop();
        assertThat(out.lines()).containsExactly("lanyard.access 0", "lanyard.access 1", "lanyard.access 2", "lanyard.access 3",
                "lanyard.access 4", "lanyard.access 5", "lanyard.access 6", "lanyard.access 7", "lanyard.access 8",
                "lanyard.access 9", "lanyard.access 10", "lanyard.access 11");
    }

    @Test
    void the_shutdown_hook_writes_the_queue_and_later_lines_are_written_at_once() {
        Recording out = new Recording();
        BatchedStdout appender = appender(out, BatchedStdout.MAX_QUEUED_BYTES);
        for (int i = 0; i < 50; i++) appender.doAppend(event("lanyard.access", "before " + i));
        appender.drainAtExit().run();
        assertThat(out.lines()).hasSize(50).last().isEqualTo("lanyard.access before 49");
        // A graceful stop's last requests log after the shutdown hook ran: written at once, not lost.
        appender.doAppend(event("lanyard.access", "after"));
        assertThat(out.lines()).hasSize(51).last().isEqualTo("lanyard.access after");
        appender.stop();
        assertThat(out.lines()).hasSize(51);
    }
}
