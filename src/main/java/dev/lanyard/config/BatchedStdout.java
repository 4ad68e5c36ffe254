package dev.lanyard.config;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The log's one appender: each event encoded on the thread that logs it, then written to stdout.
 * The request log's lines ({@code lanyard.access}, one per request) are handed to a writer thread,
 * which writes what has gathered in one {@code write} about every millisecond; every other line is
 * written at once by the thread that logs it, after the lines queued before it, so the log keeps
 * the order in which things were logged.
 *
 * <p>Why (issue 16): a write to stdout from a request's virtual thread is a blocking file write,
 * for which the JDK lends the scheduler another carrier thread for its duration; with one such
 * write per request, that and the system call were about a twentieth of a lookup's CPU in the JVM.
 *
 * <p>Bounded: at most {@link #MAX_QUEUED_BYTES} of lines wait (counted in bytes, since a line's
 * path is as long as the client made it, within Jetty's limit); a request that finds the queue
 * full writes it and its own line itself, so nothing is dropped and a slow stdout slows the
 * requests down instead of filling the memory. At the JVM's shutdown ({@link #drainAtExit}) the
 * queue is written and from then on every line is written at once, so a request that ends during
 * a graceful stop still has its line. A line still queued when the process is killed outright
 * (SIGKILL) is lost: at most about a millisecond of request lines.
 */
final class BatchedStdout extends UnsynchronizedAppenderBase<ILoggingEvent> {
    static final String ACCESS_LOGGER = "lanyard.access";
    static final int MAX_QUEUED_BYTES = 1 << 20;
    /** How long the writer lets lines gather after a write while they keep coming. */
    private static final long GATHER_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final Encoder<ILoggingEvent> encoder;
    private final Supplier<OutputStream> out;
    private final Predicate<ILoggingEvent> batched;
    private final int maxQueuedBytes;
    private final Queue<byte[]> queued = new ConcurrentLinkedQueue<>();
    private final AtomicLong queuedBytes = new AtomicLong();
    /** Held while writing: the writer's batch and a line written at once never interleave. */
    private final ReentrantLock writing = new ReentrantLock();
    private final AtomicBoolean writerAsleep = new AtomicBoolean();
    private volatile Thread writer;
    private volatile boolean draining;

    /** Writes to {@code System.out} as it is at each write (as logback's ConsoleAppender does). */
    BatchedStdout(Encoder<ILoggingEvent> encoder) {
        this(encoder, () -> System.out, e -> ACCESS_LOGGER.equals(e.getLoggerName()), MAX_QUEUED_BYTES);
    }

    BatchedStdout(Encoder<ILoggingEvent> encoder, Supplier<OutputStream> out, Predicate<ILoggingEvent> batched, int maxQueuedBytes) {
        this.encoder = encoder;
        this.out = out;
        this.batched = batched;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    Encoder<ILoggingEvent> encoder() {
        return encoder;
    }

    @Override
    public void start() {
        if (isStarted()) return;
        draining = false;
        Thread t = Thread.ofPlatform().daemon().name("log-writer").unstarted(this::writeQueued);
        writer = t;
        super.start();
        t.start();
    }

    @Override
    public void stop() {
        drain();
        super.stop();
    }

    /**
     * Writes what is queued and ends the writer thread; from here every line is written at once
     * by the thread that logs it. The appender stays started: at the JVM's shutdown the requests
     * that a graceful stop lets finish log after this.
     */
    void drain() {
        draining = true;
        Thread t = writer;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        writer = null;
        write(null);
    }

    /** A shutdown hook that {@linkplain #drain drains} it. */
    Thread drainAtExit() {
        return new Thread(this::drain, "log-flush");
    }

    @Override
    protected void append(ILoggingEvent event) {
        byte[] line = encoder.encode(event);
        Thread t = writer;
        if (t != null && !draining && batched.test(event)) {
            if (queuedBytes.addAndGet(line.length) <= maxQueuedBytes) {
                queued.add(line);
                if (draining) {
                    write(null);  // stopped meanwhile: its last write may have missed this line
                } else if (writerAsleep.get() && writerAsleep.compareAndSet(true, false)) {
                    LockSupport.unpark(t);
                }
                return;
            }
            queuedBytes.addAndGet(-line.length);  // full: written below, after the queued ones
        }
        write(line);
    }

    /** The writer thread: writes what has gathered, lets more gather, sleeps while there is none. */
    private void writeQueued() {
        while (!draining) {
            if (queued.isEmpty()) {
                writerAsleep.set(true);
                // Checked again after saying so: a line queued in between either is seen here or unparks.
                if (queued.isEmpty() && !draining) LockSupport.park(this);
                writerAsleep.set(false);
                continue;
            }
            write(null);
            LockSupport.parkNanos(this, GATHER_NANOS);
        }
    }

    /** Writes the queued lines, then {@code line} (if any), in one write. */
    private void write(byte[] line) {
        writing.lock();
        try {
            ByteArrayOutputStream batch = new ByteArrayOutputStream(4096);
            for (byte[] q; (q = queued.poll()) != null; ) {
                queuedBytes.addAndGet(-q.length);
                batch.writeBytes(q);
            }
            if (line != null) batch.writeBytes(line);
            if (batch.size() == 0) return;
            OutputStream stream = out.get();
            batch.writeTo(stream);
            stream.flush();
        } catch (IOException | RuntimeException e) {
            addError("could not write to stdout", e);  // logback's status: the log has nowhere else to go
        } finally {
            writing.unlock();
        }
    }
}
