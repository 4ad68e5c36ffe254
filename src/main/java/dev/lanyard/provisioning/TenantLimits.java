package dev.lanyard.provisioning;

import dev.lanyard.domain.DomainException;
import dev.lanyard.domain.RateLimit;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What one organization's IdP may take of a server (docs/security.md), so that no tenant can
 * slow another down:
 *
 * <ul>
 *   <li>at most {@link #MAX_CONCURRENT} SCIM requests of an organization run at once (a quarter
 *       of the database pool, whatever they do); more wait up to {@link #QUEUE_WAIT}, at most
 *       {@link #MAX_WAITING} of them, then get 429;</li>
 *   <li>each token may send {@link #RATE_PER_SECOND} requests a second on average, in bursts of
 *       up to {@link #BURST} (a token bucket); beyond that 429 with the whole seconds until the
 *       next request is allowed as {@code Retry-After}. Okta and Entra ID honour both.</li>
 * </ul>
 * Counted per server process, in memory: behind a load balancer each server keeps its own share.
 */
final class TenantLimits {
    static final int MAX_CONCURRENT = 4;
    static final int MAX_WAITING = 32;
    static final Duration QUEUE_WAIT = Duration.ofSeconds(2);
    static final double RATE_PER_SECOND = 50;
    static final double BURST = 200;

    /** Set by the test suite (pom.xml), which sends far faster than an IdP; tests of these limits clear it. */
    static boolean relaxed() {
        return Boolean.getBoolean("lanyard.limits.relaxed");
    }

    private final int maxConcurrent = relaxed() ? 64 : MAX_CONCURRENT;

    private final Map<UUID, Gate> gates = new ConcurrentHashMap<>();
    private final RateLimit perToken = new RateLimit(relaxed() ? 1e6 : RATE_PER_SECOND, relaxed() ? 1e6 : BURST, "requests with this token (more than "
            + (int) RATE_PER_SECOND + " a second)");

    /** A running request's place; closing it lets the next one in. */
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    Permit enter(UUID orgId, UUID tokenId) {
        perToken.take(tokenId);
        Gate gate = gates.computeIfAbsent(orgId, o -> new Gate(maxConcurrent));
        if (gate.waiting.incrementAndGet() > MAX_WAITING) {
            gate.waiting.decrementAndGet();
            throw busy();
        }
        boolean in;
        try {
            in = gate.running.tryAcquire(QUEUE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            in = false;
        } finally {
            gate.waiting.decrementAndGet();
        }
        if (!in) throw busy();
        var once = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (once.compareAndSet(false, true)) gate.running.release();
        };
    }

    private static DomainException.RateLimited busy() {
        return new DomainException.RateLimited("this organization has " + MAX_CONCURRENT + " SCIM requests running "
                + "on this server already; send fewer at once, or retry after the Retry-After seconds", 1);
    }

    private static final class Gate {
        final Semaphore running;
        final AtomicInteger waiting = new AtomicInteger();

        Gate(int permits) {
            running = new Semaphore(permits, true);
        }
    }
}
