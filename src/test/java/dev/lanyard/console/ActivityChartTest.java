package dev.lanyard.console;

import dev.lanyard.audit.ProvisioningActivity;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The activity chart's numbers: buckets, scale, stacking, labels and the sentence for screen readers. */
class ActivityChartTest {
    static final Instant NOW = Instant.parse("2026-05-12T10:17:00Z");  // a Tuesday

    static ProvisioningActivity.Hour hour(String start, int requests, int failures) {
        return new ProvisioningActivity.Hour(Instant.parse(start), requests, failures);
    }

    static ActivityChart chart(ActivityChart.Range range, Optional<Instant> last, ProvisioningActivity.Hour... hours) {
        return ActivityChart.of(range, new ProvisioningActivity(List.of(hours), last), NOW);
    }

    @Test
    void the_day_has_24_hourly_bars_ending_with_the_current_hour() {
        ActivityChart c = chart(ActivityChart.Range.DAY, Optional.empty(),
                hour("2026-05-11T11:00:00Z", 3, 0), hour("2026-05-12T10:00:00Z", 7, 2));
        assertThat(c.bars()).hasSize(24);
        assertThat(ActivityChart.Range.DAY.start(NOW)).isEqualTo(Instant.parse("2026-05-11T11:00:00Z"));
        assertThat(c.bars().getFirst().requests()).isEqualTo(3);
        assertThat(c.bars().getFirst().title()).isEqualTo("11:00–12:00 UTC: 3 requests");
        assertThat(c.bars().getLast().requests()).isEqualTo(7);
        assertThat(c.bars().getLast().failures()).isEqualTo(2);
        assertThat(c.bars().getLast().title()).isEqualTo("10:00–11:00 UTC: 7 requests, 2 failed");
        assertThat(c.requests()).isEqualTo(10);
        assertThat(c.failures()).isEqualTo(2);
        assertThat(c.labels()).extracting(ActivityChart.Label::text).containsExactly("12:00", "18:00", "00:00", "06:00");
    }

    @Test
    void the_week_sums_hours_into_28_six_hour_bars_aligned_on_utc_midnight() {
        ActivityChart c = chart(ActivityChart.Range.WEEK, Optional.empty(),
                hour("2026-05-05T12:00:00Z", 1, 1), hour("2026-05-05T17:00:00Z", 4, 0),
                hour("2026-05-12T06:00:00Z", 2, 0), hour("2026-05-12T10:00:00Z", 5, 1));
        assertThat(ActivityChart.Range.WEEK.start(NOW)).isEqualTo(Instant.parse("2026-05-05T12:00:00Z"));
        assertThat(c.bars()).hasSize(28);
        assertThat(c.bars().getFirst().requests()).isEqualTo(5);
        assertThat(c.bars().getFirst().failures()).isEqualTo(1);
        assertThat(c.bars().getFirst().title()).isEqualTo("Tue 5, 12:00–18:00 UTC: 5 requests, 1 failed");
        assertThat(c.bars().getLast().requests()).isEqualTo(7);
        assertThat(c.labels()).extracting(ActivityChart.Label::text)
                .containsExactly("Wed 6", "Thu 7", "Fri 8", "Sat 9", "Sun 10", "Mon 11", "Tue 12");
        assertThat(c.summary()).startsWith("12 requests in the last 7 days, 2 failed");
    }

    @Test
    void hours_outside_the_period_are_ignored() {
        ActivityChart c = chart(ActivityChart.Range.DAY, Optional.empty(),
                hour("2026-05-11T10:00:00Z", 50, 0), hour("2026-05-12T11:00:00Z", 60, 0));
        assertThat(c.requests()).isZero();
        assertThat(c.empty()).isTrue();
    }

    @Test
    void bars_scale_to_a_round_top_and_failures_stack_on_successes() {
        ActivityChart c = chart(ActivityChart.Range.DAY, Optional.empty(),
                hour("2026-05-12T09:00:00Z", 37, 10), hour("2026-05-12T10:00:00Z", 13, 0));
        assertThat(c.ticks()).extracting(ActivityChart.Tick::value).containsExactly(0L, 20L, 40L);
        assertThat(c.ticks()).extracting(ActivityChart.Tick::y)
                .containsExactly((double) ActivityChart.BOTTOM, 86.0, (double) ActivityChart.TOP);
        ActivityChart.Bar busy = c.bars().get(22);
        double plot = ActivityChart.BOTTOM - ActivityChart.TOP;  // 124 units for 40 requests
        assertThat(busy.successHeight()).isEqualTo(Math.round(27 * plot / 40 * 10) / 10.0);
        assertThat(busy.successY()).isEqualTo(Math.round((ActivityChart.BOTTOM - 27 * plot / 40) * 10) / 10.0);
        assertThat(busy.failureHeight()).isEqualTo(Math.round(10 * plot / 40 * 10) / 10.0);
        assertThat(busy.failureY()).isEqualTo(Math.round((busy.successY() - busy.failureHeight()) * 10) / 10.0);
        ActivityChart.Bar quiet = c.bars().get(23);
        assertThat(quiet.failureHeight()).isZero();
        assertThat(quiet.successHeight()).isLessThan(busy.successHeight());
        assertThat(c.bars().get(0).successHeight()).isZero();
        // bars stay inside the plot, left to right
        assertThat(c.bars()).allSatisfy(b -> assertThat(b.x()).isBetween((double) ActivityChart.LEFT,
                (double) (ActivityChart.WIDTH - ActivityChart.RIGHT)));
        assertThat(c.bars().get(1).x()).isGreaterThan(c.bars().get(0).x());
    }

    @Test
    void a_single_failure_among_thousands_stays_visible() {
        ActivityChart c = chart(ActivityChart.Range.DAY, Optional.empty(), hour("2026-05-12T10:00:00Z", 5000, 1));
        assertThat(c.ticks()).extracting(ActivityChart.Tick::value).containsExactly(0L, 2500L, 5000L);
        assertThat(c.bars().getLast().failureHeight()).isEqualTo(1.0);
    }

    @Test
    void the_scale_top_is_a_round_number_close_above_the_tallest_bar() {
        assertThat(ActivityChart.niceCeiling(0)).isEqualTo(1);
        assertThat(ActivityChart.niceCeiling(1)).isEqualTo(1);
        assertThat(ActivityChart.niceCeiling(3)).isEqualTo(3);
        assertThat(ActivityChart.niceCeiling(7)).isEqualTo(8);
        assertThat(ActivityChart.niceCeiling(9)).isEqualTo(10);
        assertThat(ActivityChart.niceCeiling(20)).isEqualTo(20);
        assertThat(ActivityChart.niceCeiling(240)).isEqualTo(300);
        assertThat(ActivityChart.niceCeiling(312)).isEqualTo(400);
        assertThat(ActivityChart.niceCeiling(1_000_001)).isEqualTo(2_000_000);
    }

    @Test
    void an_empty_chart_has_bars_of_height_zero_a_zero_axis_and_says_so() {
        ActivityChart c = chart(ActivityChart.Range.DAY, Optional.empty());
        assertThat(c.empty()).isTrue();
        assertThat(c.bars()).hasSize(24).allSatisfy(b -> {
            assertThat(b.successHeight()).isZero();
            assertThat(b.failureHeight()).isZero();
        });
        assertThat(c.ticks()).extracting(ActivityChart.Tick::value).containsExactly(0L);
        assertThat(c.summary()).isEqualTo("No requests in the last 24 hours");
        assertThat(chart(ActivityChart.Range.DAY, Optional.of(NOW.minus(Duration.ofDays(3)))).summary())
                .isEqualTo("No requests in the last 24 hours; last request 3 days ago");
    }

    @Test
    void the_summary_counts_requests_and_failures_and_says_when_the_last_came() {
        ActivityChart c = chart(ActivityChart.Range.DAY, Optional.of(NOW.minus(Duration.ofMinutes(3))),
                hour("2026-05-12T08:00:00Z", 300, 4), hour("2026-05-12T10:00:00Z", 12, 0));
        assertThat(c.summary()).isEqualTo("312 requests in the last 24 hours, 4 failed; last request 3 minutes ago");
        assertThat(chart(ActivityChart.Range.DAY, Optional.of(NOW), hour("2026-05-12T10:00:00Z", 1, 0)).summary())
                .isEqualTo("1 request in the last 24 hours, 0 failed; last request just now");
    }

    @Test
    void ago_reads_like_a_person_would_say_it() {
        assertThat(ActivityChart.ago(Duration.ofSeconds(59))).isEqualTo("just now");
        assertThat(ActivityChart.ago(Duration.ofSeconds(-5))).isEqualTo("just now");  // another server's clock
        assertThat(ActivityChart.ago(Duration.ofMinutes(1))).isEqualTo("1 minute ago");
        assertThat(ActivityChart.ago(Duration.ofMinutes(59))).isEqualTo("59 minutes ago");
        assertThat(ActivityChart.ago(Duration.ofHours(1))).isEqualTo("1 hour ago");
        assertThat(ActivityChart.ago(Duration.ofHours(47))).isEqualTo("47 hours ago");
        assertThat(ActivityChart.ago(Duration.ofDays(2))).isEqualTo("2 days ago");
    }

    @Test
    void an_unknown_range_parameter_means_the_last_24_hours() {
        assertThat(ActivityChart.Range.parse("7d")).isEqualTo(ActivityChart.Range.WEEK);
        assertThat(ActivityChart.Range.parse(null)).isEqualTo(ActivityChart.Range.DAY);
        assertThat(ActivityChart.Range.parse("<svg>")).isEqualTo(ActivityChart.Range.DAY);
        assertThat(chart(ActivityChart.Range.WEEK, Optional.empty()).failuresHref())
                .isEqualTo("/console/provisioning/log?status=failures&period=7d");
    }
}
