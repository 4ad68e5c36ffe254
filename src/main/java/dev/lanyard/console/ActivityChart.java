package dev.lanyard.console;

import dev.lanyard.audit.ProvisioningActivity;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The activity chart of the User provisioning page, as numbers for an inline SVG
 * (console/activity_chart.jte): requests per hour over the last 24 hours, or per 6 hours over the
 * last 7 days (168 bars would be a pixel wide each), failures stacked on successes.
 *
 * <p>Everything the template draws is computed here, in the user units of a
 * {@value #WIDTH} × {@value #HEIGHT} viewBox, and the page's stylesheet only sizes it: the console's
 * CSP allows no inline styles, so colours are SVG presentation attributes. Text (labels, titles, the
 * summary) goes through jte's escaping like any other page text. Times are UTC.
 *
 * @param bars    one per bucket, oldest first, including the current (partial) one
 * @param ticks   the y axis: 0, and the scale's top (and its middle when that is a whole number)
 * @param labels  the x axis: every 6 hours (day), every midnight (week)
 * @param summary one sentence for people and screen readers: "312 requests in the last 24 hours, 4 failed; last request 3 minutes ago"
 */
public record ActivityChart(Range range, List<Bar> bars, List<Tick> ticks, List<Label> labels, long requests,
                            long failures, String summary) {
    public static final int WIDTH = 360;
    public static final int HEIGHT = 180;
    public static final int LEFT = 34;     // y axis numbers to the left of it
    public static final int RIGHT = 16;    // room for the last x label
    public static final int TOP = 24;      // the legend above it
    public static final int BOTTOM = 148;  // the x axis; labels below it
    public static final String SUCCESS_FILL = "#0b5cad";  // console.css --accent
    public static final String FAILURE_FILL = "#b42318";  // console.css --error

    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("EEE d", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    /** The two periods the page offers ({@code ?range=24h}, {@code ?range=7d}), the same values the log's period filter takes. */
    public enum Range {
        DAY("24h", "Last 24 hours", "in the last 24 hours", 24, 1),
        WEEK("7d", "Last 7 days", "in the last 7 days", 28, 6);

        private final String param;
        private final String label;
        private final String phrase;
        private final int buckets;
        private final int hoursPerBucket;

        Range(String param, String label, String phrase, int buckets, int hoursPerBucket) {
            this.param = param;
            this.label = label;
            this.phrase = phrase;
            this.buckets = buckets;
            this.hoursPerBucket = hoursPerBucket;
        }

        public String param() {
            return param;
        }

        public String label() {
            return label;
        }

        /** The range a query parameter names; anything else is the default, the last 24 hours. */
        static Range parse(String param) {
            return WEEK.param.equals(param) ? WEEK : DAY;
        }

        /** The first bucket's start: buckets are aligned on UTC hours (6-hour ones at 00, 06, 12, 18) and end with the one holding {@code now}. */
        Instant start(Instant now) {
            return bucketOf(now).minus(Duration.ofHours((long) hoursPerBucket * (buckets - 1)));
        }

        Instant bucketOf(Instant t) {
            long hours = Math.floorDiv(t.getEpochSecond(), 3600);
            return Instant.ofEpochSecond((hours - Math.floorMod(hours, hoursPerBucket)) * 3600);
        }
    }

    /** One bar: the success part from the axis up, the failure part on top of it; {@code title} says both counts. */
    public record Bar(double x, double width, double successY, double successHeight, double failureY,
                      double failureHeight, int requests, int failures, String title) {}

    /** A y axis line and its number. */
    public record Tick(double y, long value) {}

    /** An x axis label, centred on {@code x}. */
    public record Label(double x, String text) {}

    /** The chart of {@code activity} (its hours from {@code range.start(now)} on) as of {@code now}. */
    static ActivityChart of(Range range, ProvisioningActivity activity, Instant now) {
        Instant first = range.start(now);
        int[] requests = new int[range.buckets];
        int[] failures = new int[range.buckets];
        for (ProvisioningActivity.Hour h : activity.hours()) {
            long index = Duration.between(first, h.start()).toHours() / range.hoursPerBucket;
            if (h.start().isBefore(first) || index >= range.buckets) continue;
            requests[(int) index] += h.requests();
            failures[(int) index] += h.failures();
        }
        long total = 0;
        long failed = 0;
        int max = 0;
        for (int i = 0; i < range.buckets; i++) {
            total += requests[i];
            failed += failures[i];
            max = Math.max(max, requests[i]);
        }
        long top = niceCeiling(max);
        double plotHeight = BOTTOM - TOP;
        double slot = (double) (WIDTH - LEFT - RIGHT) / range.buckets;
        List<Bar> bars = new ArrayList<>();
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < range.buckets; i++) {
            Instant start = first.plus(Duration.ofHours((long) i * range.hoursPerBucket));
            int failedHere = failures[i];
            int succeeded = requests[i] - failedHere;
            // A non-empty part stays at least one unit tall: a single failure among thousands must still show.
            double successHeight = succeeded == 0 ? 0 : Math.max(1, succeeded * plotHeight / top);
            double failureHeight = failedHere == 0 ? 0 : Math.max(1, failedHere * plotHeight / top);
            double x = LEFT + i * slot + slot * 0.15;
            bars.add(new Bar(round(x), round(slot * 0.7), round(BOTTOM - successHeight), round(successHeight),
                    round(BOTTOM - successHeight - failureHeight), round(failureHeight), requests[i], failedHere,
                    title(range, start, requests[i], failedHere)));
            if (start.atZone(ZoneOffset.UTC).getHour() % (range == Range.DAY ? 6 : 24) == 0) {
                labels.add(new Label(round(LEFT + (i + 0.5) * slot), (range == Range.DAY ? HOUR : DAY).format(start)));
            }
        }
        List<Tick> ticks = new ArrayList<>();
        ticks.add(new Tick(BOTTOM, 0));
        if (max > 0) {
            if (top % 2 == 0) ticks.add(new Tick(round(BOTTOM - plotHeight / 2), top / 2));
            ticks.add(new Tick(TOP, top));
        }
        return new ActivityChart(range, bars, ticks, labels, total, failed,
                summary(range, total, failed, activity, now));
    }

    /** Whether nothing came in the period (the template then says so inside the chart). */
    public boolean empty() {
        return requests == 0;
    }

    /** The provisioning log over the same period, and only its failures. */
    public String logHref() {
        return ProvisioningLogScreen.PATH + "?period=" + range.param;
    }

    public String failuresHref() {
        return ProvisioningLogScreen.PATH + "?status=failures&period=" + range.param;
    }

    /**
     * The scale's top: the smallest 1, 2, 3, 4, 5, 6 or 8 times a power of ten at or above {@code max}
     * (1 for an empty chart), so the tallest bar fills at least two thirds of the height.
     */
    static long niceCeiling(long max) {
        long power = 1;
        while (true) {
            for (long step : new long[] {1, 2, 3, 4, 5, 6, 8}) {
                if (step * power >= max) return step * power;
            }
            power *= 10;
        }
    }

    static String summary(Range range, long requests, long failures, ProvisioningActivity activity, Instant now) {
        String last = activity.lastRequestAt().map(at -> "; last request " + ago(Duration.between(at, now))).orElse("");
        if (requests == 0) return "No requests " + range.phrase + last;
        return count(requests, "request") + " " + range.phrase + ", " + failures + " failed" + last;
    }

    /** "just now", "3 minutes ago", "5 hours ago", "4 days ago". */
    static String ago(Duration d) {
        if (d.toMinutes() < 1) return "just now";
        if (d.toHours() < 1) return count(d.toMinutes(), "minute") + " ago";
        if (d.toHours() < 48) return count(d.toHours(), "hour") + " ago";
        return count(d.toDays(), "day") + " ago";
    }

    private static String title(Range range, Instant start, int requests, int failures) {
        Instant end = start.plus(range.hoursPerBucket, ChronoUnit.HOURS);
        String when = (range == Range.WEEK ? DAY.format(start) + ", " : "") + HOUR.format(start) + "–" + HOUR.format(end) + " UTC";
        return when + ": " + count(requests, "request") + (failures > 0 ? ", " + failures + " failed" : "");
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}
