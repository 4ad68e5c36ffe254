package dev.lanyard.safeguard;

import dev.lanyard.domain.DomainException;

import java.time.Duration;

/**
 * An organization's mass-deprovisioning safeguard (docs/safeguard.md): the safeguard trips when the
 * IdP's removals (active accounts deactivated or deleted) within {@code window} would be more than
 * {@code maxPercent} % of the organization's active accounts, counted from
 * {@value #PERCENT_RULE_FROM} removals on, or more than {@code maxCount}.
 *
 * <pre>{"enabled": true, "maxPercent": 20, "maxCount": 500, "windowMinutes": 60}</pre>
 */
public record SafeguardSettings(boolean enabled, int maxPercent, int maxCount, Duration window) {
    /**
     * Below this many removals in the window the percent rule never trips: in an organization of
     * 8 people, 2 leaving on one day is 25 % and nothing unusual. The count rule applies always.
     */
    public static final int PERCENT_RULE_FROM = 10;
    public static final int MAX_COUNT_LIMIT = 1_000_000;
    public static final Duration MIN_WINDOW = Duration.ofMinutes(1);
    public static final Duration MAX_WINDOW = Duration.ofDays(7);

    public static final SafeguardSettings DEFAULTS = new SafeguardSettings(true, 20, 500, Duration.ofHours(1));

    /** Refuses values out of range, each error naming the setting and its range. */
    public SafeguardSettings {
        if (maxPercent < 1 || maxPercent > 100) {
            throw new DomainException.Invalid("maxPercent must be a whole number from 1 to 100, not " + maxPercent);
        }
        if (maxCount < 1 || maxCount > MAX_COUNT_LIMIT) {
            throw new DomainException.Invalid("maxCount must be a whole number from 1 to " + MAX_COUNT_LIMIT + ", not " + maxCount);
        }
        if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0 || window.toSecondsPart() != 0) {
            throw new DomainException.Invalid("the window must be whole minutes from 1 to " + MAX_WINDOW.toMinutes()
                    + " (7 days), not " + window.toSeconds() + " seconds");
        }
    }

    public long windowMinutes() {
        return window.toMinutes();
    }

    /** "1 hour", "90 minutes", "2 days": the window as people say it. */
    public String windowText() {
        long m = window.toMinutes();
        if (m % 1440 == 0) return plural(m / 1440, "day");
        if (m % 60 == 0) return plural(m / 60, "hour");
        return plural(m, "minute");
    }

    private static String plural(long n, String unit) {
        return n + " " + unit + (n == 1 ? "" : "s");
    }

    /**
     * Whether one more removal, the {@code removedWithIt}th in the window, is too many for an
     * organization that had {@code activeAtStart} active accounts when the window began; the
     * reason when it is. "More than N %": with 100 accounts and 20 %, the 20th passes and the 21st trips.
     */
    public java.util.Optional<String> tooMany(long removedWithIt, long activeAtStart) {
        if (removedWithIt > maxCount) {
            return java.util.Optional.of(removedWithIt + " accounts removed within " + windowText()
                    + " would be more than the limit of " + maxCount);
        }
        if (removedWithIt >= PERCENT_RULE_FROM && removedWithIt * 100 > (long) maxPercent * activeAtStart) {
            return java.util.Optional.of(removedWithIt + " accounts removed within " + windowText() + " would be more than "
                    + maxPercent + " % of the " + activeAtStart + " active accounts");
        }
        return java.util.Optional.empty();
    }
}
