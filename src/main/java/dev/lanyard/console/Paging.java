package dev.lanyard.console;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToLongFunction;

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

    /** Where a later page starts, from the links' {@code start=} (a keyset page has no offset of its own); 1 if unreadable. */
    static long start(String text) {
        if (text == null || text.isEmpty() || text.length() > 12) return 1;
        try {
            return Math.max(1, Long.parseLong(text));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    static String number(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * A page of a log shown newest first and read by keyset ({@code NewestFirst}): {@code found}
     * holds one entry more than a page when more lie beyond it (after the page going back, before
     * it going forward). The links keep {@code base} (the filters) and carry {@code start}.
     *
     * @param shown    the entries of this page, newest first
     * @param start    the position of its first entry ("51" of "51–100")
     * @param older    the next page back, when older entries match
     * @param previous the page of newer entries, when this is a later page
     * @param newest   the first page, when this is a later page
     */
    record Log<T>(List<T> shown, long start, Optional<String> older, Optional<String> previous, Optional<String> newest) {

        static <T> Log<T> of(List<T> found, int pageSize, boolean before, boolean after, String startParam, String base,
                             ToLongFunction<T> id) {
            List<T> shown = after ? found.subList(Math.max(0, found.size() - pageSize), found.size())
                    : found.subList(0, Math.min(pageSize, found.size()));
            boolean hasNewer = before || (after && found.size() > pageSize);
            boolean hasOlder = after || found.size() > pageSize;
            long start = hasNewer ? Paging.start(startParam) : 1;
            if (shown.isEmpty()) return new Log<>(shown, start, Optional.empty(), Optional.empty(),
                    hasNewer ? Optional.of(base) : Optional.empty());
            return new Log<>(shown, start,
                    hasOlder ? Optional.of(base + "&before=" + id.applyAsLong(shown.getLast()) + "&start=" + (start + shown.size()))
                            : Optional.empty(),
                    hasNewer ? Optional.of(base + "&after=" + id.applyAsLong(shown.getFirst()) + "&start=" + Math.max(1, start - pageSize))
                            : Optional.empty(),
                    hasNewer ? Optional.of(base) : Optional.empty());
        }

        /** "51–100 of 313" for this page. */
        String range(long matching, long cap) {
            return Paging.range(start, start + shown.size() - 1, matching, cap);
        }
    }
}
