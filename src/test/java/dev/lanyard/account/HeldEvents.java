package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.testing.TestApp;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Makes writes arrive together, for the tests of storage.WriteBatches' users (CreateBatchesIT,
 * ChangeBatchesIT): account_events is held locked against inserts while the writes come in, so
 * the first statements wait on the lock and the rest queue behind them; when the lock goes they
 * are written in batches.
 */
final class HeldEvents {
    private HeldEvents() {
    }

    /**
     * Starts the work while account_events is locked, waits until as many of its statements wait
     * on the lock as batches may run at once, and the rest had time to queue behind them, then
     * lets them go. Well within the pool's lock_timeout (3 s).
     */
    static <T> List<Future<T>> whileLocked(TestApp app, List<Callable<T>> work) throws Exception {
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<T>> futures = new ArrayList<>();
        try (Connection lock = app.dataSource().getConnection()) {
            lock.setAutoCommit(false);
            try (var s = lock.createStatement()) {
                s.execute("lock table account_events in share mode");
            }
            for (Callable<T> w : work) futures.add(threads.submit(w));
            untilWaitingOnLocks(app, AccountService.CREATE_BATCHES);
            Thread.sleep(300);
            lock.rollback();
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        return futures;
    }

    /** {@link #whileLocked}, each write's result in the order of {@code work}. */
    static <T> List<T> resultsWhileLocked(TestApp app, List<Callable<T>> work) throws Exception {
        List<T> results = new ArrayList<>();
        for (Future<T> f : whileLocked(app, work)) results.add(f.get());
        return results;
    }

    /** Waits (at most 2 s) until {@code statements} statements that insert into account_events wait on a lock. */
    static void untilWaitingOnLocks(TestApp app, int statements) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (app.count("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%insert into account_events%'")
                < statements && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
    }

    /** An active user's profile with this email and given name. */
    static AccountProfile profile(String email, String givenName) {
        var attributes = JsonNodeFactory.instance.objectNode().put("userName", email);
        attributes.putObject("name").put("givenName", givenName);
        return new AccountProfile(email, Optional.empty(), Optional.empty(), Optional.of(true), attributes);
    }
}
