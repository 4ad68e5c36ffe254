package dev.lanyard.account;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.lanyard.testing.TestApp;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
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
 * Makes statements arrive together, for the tests of storage.Batches' users (CreateBatchesIT,
 * ChangeBatchesIT, LookupBatchesIT): a table is held locked while the work comes in
 * (account_events against inserts, or managed_accounts against reads), so the first statements
 * wait on the lock and the rest queue behind them; when the lock goes they run in batches.
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
        return whileLocked(app, "account_events in share mode", "%insert into account_events%", work);
    }

    /**
     * The same with another lock ({@code lock}: "table in mode"), waiting for statements whose
     * text is like {@code waiting}: e.g. managed_accounts in access exclusive mode, against reads.
     */
    static <T> List<Future<T>> whileLocked(TestApp app, String lock, String waiting, List<Callable<T>> work) throws Exception {
        ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
        List<Future<T>> futures = new ArrayList<>();
        try (Connection holder = app.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (var s = holder.createStatement()) {
                s.execute("lock table " + lock);
            }
            for (Callable<T> w : work) futures.add(threads.submit(w));
            untilWaitingOnLocks(app, AccountService.BATCHES, waiting);
            Thread.sleep(300);
            holder.rollback();
        }
        threads.shutdown();
        assertThat(threads.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        return futures;
    }

    /** How many transactions last wrote these accounts (by SCIM id): rows written by one share its id (xmin). */
    static long transactionsThatWrote(TestApp app, List<String> scimIds) {
        return app.count("select count(distinct xmin::text) from managed_accounts where scim_id::text = any(string_to_array(?, ','))",
                String.join(",", scimIds));
    }

    /** {@link #whileLocked}, each write's result in the order of {@code work}. */
    static <T> List<T> resultsWhileLocked(TestApp app, List<Callable<T>> work) throws Exception {
        return results(whileLocked(app, work));
    }

    static <T> List<T> results(List<Future<T>> futures) throws Exception {
        List<T> results = new ArrayList<>();
        for (Future<T> f : futures) results.add(f.get());
        return results;
    }

    /** Waits (at most 2 s) until {@code statements} statements that insert into account_events wait on a lock. */
    static void untilWaitingOnLocks(TestApp app, int statements) throws InterruptedException {
        untilWaitingOnLocks(app, statements, "%insert into account_events%");
    }

    private static void untilWaitingOnLocks(TestApp app, int statements, String like) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (app.count("select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like ?", like)
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

    /** A data source whose connections record each statement they prepare. */
    static DataSource recording(DataSource real, List<String> statements) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, (p, m, args) -> {
            Object result = invoke(m, real, args);
            if (!(result instanceof Connection c)) return result;
            return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (q, n, a) -> {
                if (n.getName().equals("prepareStatement")) statements.add((String) a[0]);
                return invoke(n, c, a);
            });
        });
    }

    private static Object invoke(java.lang.reflect.Method m, Object target, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
