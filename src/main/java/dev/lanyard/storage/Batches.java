package dev.lanyard.storage;

import dev.lanyard.domain.DomainException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ToIntFunction;

/**
 * Writes (and small reads) that arrive at the same time go to PostgreSQL together, as one
 * statement (issue 16): for writes, a group commit done by the application. Under load most of a
 * small write's cost is per statement and per commit (the round trip, the executor's start, the
 * statement triggers, the commit record and its flush), and many requests pay it once. Measured
 * with pgbench on the bench's database, a SCIM create as one statement of 8 or 16 accounts, 2 at
 * a time, ran at 40-48 % of the floor's insert rate against 19-21 % for one account per statement
 * from 16 clients (docs/performance.md, seventeenth round). A point read pays the round trip and
 * the executor's start too: the IdPs' lookups, read together, cost 0.75 of the CPU each
 * (eighteenth round).
 *
 * <p>No thread of its own. The request threads that submit take turns: whoever finds a free slot
 * (at most {@code slots} batches run at once) takes the oldest waiting items, up to
 * {@code maxItems} and {@code maxBytes}, runs them as one batch on its own thread, and hands each
 * item's result to its owner. The others wait parked. When the server is quiet a batch is one
 * item and nothing waits: no timer delays a write to gather more.
 *
 * <p>Bounded: at most {@code maxQueued} items wait, and none waits longer than {@code maxWait}
 * for its batch to start. Beyond either the caller gets {@link DomainException.Busy} (503 with
 * Retry-After), as when the pool has no connection to give. A batch that fails hands the same
 * exception to every item in it; the writer decides what a failure means per item (it may return
 * a result that tells the caller to write the item alone).
 */
public final class Batches<T, R> {
    /** Writes (or reads) a batch; returns one result per item, in the items' order. */
    @FunctionalInterface
    public interface Writer<T, R> {
        List<R> write(List<T> items);
    }

    private final int slots;
    private final int maxItems;
    private final long maxBytes;
    private final int maxQueued;
    private final long maxWaitNanos;
    private final ToIntFunction<T> size;
    private final Writer<T, R> writer;

    private final ReentrantLock lock = new ReentrantLock();
    private final ArrayDeque<Pending<T, R>> queue = new ArrayDeque<>();  // guarded by lock; items not yet taken
    private int running;  // guarded by lock

    private static final class Pending<T, R> {
        final T item;
        final Thread owner = Thread.currentThread();
        boolean taken;              // guarded by the lock: in a batch
        volatile boolean done;
        R result;                   // written before done, read after it
        RuntimeException failure;   // likewise

        Pending(T item) {
            this.item = item;
        }
    }

    /**
     * @param slots     batches that may run at once (each holds one connection while it runs)
     * @param maxItems  items in one batch
     * @param maxBytes  the items' {@code size} in one batch (a batch takes at least one item)
     * @param maxQueued items that may wait for a batch
     * @param maxWait   how long an item may wait for its batch to start
     */
    public Batches(int slots, int maxItems, long maxBytes, int maxQueued, Duration maxWait, ToIntFunction<T> size,
                        Writer<T, R> writer) {
        if (slots < 1 || maxItems < 1 || maxBytes < 1 || maxQueued < 1) throw new IllegalArgumentException("bounds must be positive");
        this.slots = slots;
        this.maxItems = maxItems;
        this.maxBytes = maxBytes;
        this.maxQueued = maxQueued;
        this.maxWaitNanos = maxWait.toNanos();
        this.size = size;
        this.writer = writer;
    }

    /** Writes {@code item} in some batch and returns its result; throws what that batch's write threw. */
    public R submit(T item) {
        Pending<T, R> mine = new Pending<>(item);
        long deadline = System.nanoTime() + maxWaitNanos;
        lock.lock();
        try {
            if (queue.size() >= maxQueued) throw busy();
            queue.add(mine);
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        try {
            while (!mine.done) {
                List<Pending<T, R>> batch = null;
                boolean taken;
                lock.lock();
                try {
                    taken = mine.taken;
                    if (!taken && running < slots) {
                        running++;
                        batch = take();
                    } else if (!taken && System.nanoTime() - deadline > 0) {
                        queue.remove(mine);
                        throw busy();
                    }
                } finally {
                    lock.unlock();
                }
                if (batch != null) {
                    run(batch);
                } else if (!mine.done) {
                    // Woken when mine is done, or when a batch ends and mine is the oldest waiting
                    // (a slot is free). The deadline bounds the wait before mine is taken; once
                    // taken it waits for its batch, which the statement timeout bounds.
                    if (taken) LockSupport.park(this);
                    else LockSupport.parkNanos(this, Math.max(1, deadline - System.nanoTime()));
                    // An interrupt must not turn the park into a spin, nor cancel a write that may
                    // already be in PostgreSQL: it is kept for the caller to see afterwards.
                    if (Thread.interrupted()) interrupted = true;
                }
            }
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
        if (mine.failure != null) throw mine.failure;
        return mine.result;
    }

    /** The oldest waiting items, within the bounds. Called with the lock held. */
    private List<Pending<T, R>> take() {
        List<Pending<T, R>> batch = new ArrayList<>(Math.min(maxItems, queue.size()));
        long bytes = 0;
        while (!queue.isEmpty() && batch.size() < maxItems) {
            int next = size.applyAsInt(queue.peek().item);
            if (!batch.isEmpty() && bytes + next > maxBytes) break;
            bytes += next;
            Pending<T, R> p = queue.poll();
            p.taken = true;
            batch.add(p);
        }
        return batch;
    }

    private void run(List<Pending<T, R>> batch) {
        List<R> results = null;
        RuntimeException failure = null;
        try {
            results = writer.write(batch.stream().map(p -> p.item).toList());
            if (results.size() != batch.size()) {
                failure = new IllegalStateException("a batch of " + batch.size() + " items got " + results.size() + " results");
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (Error e) {
            failure = new IllegalStateException("the batch's write failed", e);
            throw e;
        } finally {
            for (int i = 0; i < batch.size(); i++) {
                Pending<T, R> p = batch.get(i);
                if (failure == null) p.result = results.get(i);
                p.failure = failure;
                p.done = true;
                LockSupport.unpark(p.owner);
            }
            Pending<T, R> next;
            lock.lock();
            try {
                running--;
                next = queue.peek();
            } finally {
                lock.unlock();
            }
            // A slot is free: the oldest waiting item's owner takes the next batch.
            if (next != null) LockSupport.unpark(next.owner);
        }
    }

    private static DomainException.Busy busy() {
        return new DomainException.Busy("the database could not serve this in time (the server is busy); retry in a moment", 1);
    }

    /** Items waiting for a batch (the tests watch it). */
    public int waiting() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }
}
