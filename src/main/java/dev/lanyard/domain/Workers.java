package dev.lanyard.domain;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A few platform threads with a bounded queue, for CPU-heavy work (bcrypt, applying a big PATCH).
 *
 * <p>Why: requests run on virtual threads, which share as many carrier threads as there are
 * cores and are not preempted while they compute. A handful of requests hashing passwords or
 * patching a user with thousands of values would hold every carrier, and /healthz, other
 * organizations' SCIM and the console would wait behind them (docs/security.md). Work handed
 * to these platform threads is time-sliced by the OS like any other thread, so the request
 * threads keep running; the caller's virtual thread just parks until the result is there. A full
 * queue refuses at once ({@link DomainException.Busy}, 503 with Retry-After) instead of growing.
 */
public final class Workers implements AutoCloseable {
    private final ThreadPoolExecutor pool;
    private final String what;

    /** @param what for the refusal's message, e.g. "password checks" */
    public Workers(String name, int threads, int queue, String what) {
        this.what = what;
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                Thread.ofPlatform().name(name + "-", 0).daemon().factory(), new ThreadPoolExecutor.AbortPolicy());
    }

    /** Runs {@code work} on a worker and waits for it; its exception is rethrown as is. */
    public <T, E extends Exception> T run(Work<T, E> work) throws E {
        Future<T> result;
        try {
            result = pool.submit((Callable<T>) () -> {
                try {
                    return work.call();
                } catch (Exception e) {
                    throw new Carried(e);
                }
            });
        } catch (RejectedExecutionException full) {
            throw new DomainException.Busy("the server has too many " + what + " waiting; retry in a moment", 1);
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new DomainException.Busy("interrupted while waiting for " + what, 1);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Carried carried) {
                if (carried.getCause() instanceof RuntimeException r) throw r;
                @SuppressWarnings("unchecked") E checked = (E) carried.getCause();
                throw checked;
            }
            if (cause instanceof Error error) throw error;
            throw new IllegalStateException(cause);
        }
    }

    /** Work that may throw the caller's checked exception. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T call() throws E;
    }

    /** How many tasks wait for a thread now (tests, metrics). */
    public int queued() {
        return pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private static final class Carried extends RuntimeException {
        Carried(Exception cause) {
            super(cause);
        }
    }
}
