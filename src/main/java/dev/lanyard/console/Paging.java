package dev.lanyard.console;

import java.util.Locale;

/**
 * The words of a list's paging: "313 accounts" above it, "51–100 of 313" beside Previous and
 * Next. Counts are bounded ({@code cap}): beyond it the page says "more than 10,000", because an
 * exact count would cost as much as the organization is large.
 */
final class Paging {
    private Paging() {}

    /** "1 account", "313 accounts", "more than 10,000 accounts", "No accounts". */
    static String count(long matching, long cap, String one, String many) {
        if (matching == 0) return "No " + many;
        if (matching > cap) return "More than " + number(cap) + " " + many;
        return number(matching) + " " + (matching == 1 ? one : many);
    }

    /** "51–100 of 313" (an en dash, as in print), "" for an empty page. */
    static String range(long start, long end, long matching, long cap) {
        if (end < start) return "";
        String of = matching > cap ? "more than " + number(cap) : number(Math.max(matching, end));
        return number(start) + "–" + number(end) + " of " + of;
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
