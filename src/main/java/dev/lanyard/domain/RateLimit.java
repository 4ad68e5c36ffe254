package dev.lanyard.domain;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets per key (a SCIM token, a client address): {@code burst} requests at once,
 * refilled at {@code perSecond}. Over it, {@link DomainException.RateLimited} with the whole
 * seconds until the next request is allowed (429 with Retry-After). In memory, per server; at most
 * {@link #MAX_KEYS} keys are remembered (then all are forgotten at once, which only ever lets a
 * few more requests through), so many source addresses cannot grow the heap.
 */
public final class RateLimit {
    static final int MAX_KEYS = 100_000;

    private final double perSecond;
    private final double burst;
    private final String what;
    private final Map<Object, Bucket> buckets = new ConcurrentHashMap<>();

    /** @param what the refusal's message, e.g. "sign-ins from this address" */
    public RateLimit(double perSecond, double burst, String what) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.what = what;
    }

    /** Takes one request from {@code key}'s bucket, or throws RateLimited. */
    public void take(Object key) {
        if (buckets.size() > MAX_KEYS) buckets.clear();
        buckets.computeIfAbsent(key, k -> new Bucket(burst)).take(this);
    }

    private static final class Bucket {
        private double tokens;
        private long refilledAt = System.nanoTime();

        Bucket(double tokens) {
            this.tokens = tokens;
        }

        synchronized void take(RateLimit limit) {
            long now = System.nanoTime();
            tokens = Math.min(limit.burst, tokens + (now - refilledAt) / 1e9 * limit.perSecond);
            refilledAt = now;
            if (tokens >= 1) {
                tokens -= 1;
                return;
            }
            int wait = (int) Math.ceil((1 - tokens) / limit.perSecond);
            throw new DomainException.RateLimited("too many " + limit.what + "; retry after the Retry-After seconds", Math.max(1, wait));
        }
    }
}
