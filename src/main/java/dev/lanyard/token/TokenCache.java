package dev.lanyard.token;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Recently verified SCIM tokens, so that a busy IdP's requests do not each cost a database
 * transaction (issue 16, docs/performance.md). Keyed by the SHA-256 of the secret, exactly what
 * the database is searched by: a secret that is not a live token's is never in here, and an
 * unknown or wrong secret is looked up in the database every time (nothing negative is kept).
 *
 * <p>The bound on revocation: an entry is trusted for {@link #TTL} after the database last
 * confirmed it, then looked up again. A token revoked, or provisioning turned off, through any
 * server (or by hand in the database) is refused within that second; a token revoked through this
 * server is refused at once ({@link #forget}). At most {@link #MAX_ENTRIES} entries: beyond that
 * all are dropped at once, which only costs a few lookups.
 */
final class TokenCache {
    /** How long a verified token is trusted without asking the database again. */
    static final Duration TTL = Duration.ofSeconds(1);
    /** "Last used" is recorded at most this often per token (the lookup's own rule, TokenStore). */
    static final Duration TOUCH_INTERVAL = Duration.ofMinutes(1);
    static final int MAX_ENTRIES = 10_000;

    /**
     * @param touchedAt when the database last recorded a use of this token at its own
     *                  organization's URL (or found one within the minute); 0 when not known
     */
    private record Entry(ProvisioningToken.Holder holder, long checkedAt, long touchedAt) {}

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;

    TokenCache(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    /**
     * The holder of this hash if the database confirmed it less than {@link #TTL} ago and, when
     * {@code usedAt} is its own organization, a use was recorded less than a minute ago (else the
     * caller looks it up again, which records the use).
     */
    Optional<ProvisioningToken.Holder> find(byte[] secretHash, Optional<UUID> usedAt) {
        Entry e = entries.get(key(secretHash));
        if (e == null) return Optional.empty();
        long now = nanoTime.getAsLong();
        if (now - e.checkedAt() >= TTL.toNanos()) return Optional.empty();
        boolean atOwnUrl = usedAt.isPresent() && usedAt.get().equals(e.holder().orgId());
        if (atOwnUrl && (e.touchedAt() == 0 || now - e.touchedAt() >= TOUCH_INTERVAL.toNanos())) return Optional.empty();
        return Optional.of(e.holder());
    }

    /** What the database just said about this hash: a live token's holder, or nothing (then it is forgotten). */
    void put(byte[] secretHash, Optional<ProvisioningToken.Holder> holder, Optional<UUID> usedAt) {
        String key = key(secretHash);
        if (holder.isEmpty()) {
            entries.remove(key);
            return;
        }
        if (entries.size() >= MAX_ENTRIES) entries.clear();
        long now = nanoTime.getAsLong();
        boolean touched = usedAt.isPresent() && usedAt.get().equals(holder.get().orgId());
        Entry previous = entries.get(key);
        long touchedAt = touched ? now : previous == null ? 0 : previous.touchedAt();
        entries.put(key, new Entry(holder.get(), now, touchedAt));
    }

    /** Drops a token at once (revoked through this server). */
    void forget(UUID tokenId) {
        entries.values().removeIf(e -> e.holder().tokenId().equals(tokenId));
    }

    /** Drops every token of an organization at once (its provisioning was turned on or off through this server). */
    void forgetOrganization(UUID orgId) {
        entries.values().removeIf(e -> e.holder().orgId().equals(orgId));
    }

    int size() {
        return entries.size();
    }

    private static String key(byte[] secretHash) {
        return HexFormat.of().formatHex(secretHash);
    }
}
