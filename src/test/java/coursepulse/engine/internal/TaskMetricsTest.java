package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The lag meters as Prometheus scrapes them: bounded, never negative, whatever the event times. */
class TaskMetricsTest {

  private static final long YEAR_MS = 365L * 86_400_000L;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final TaskMetrics metrics = new TaskMetrics(registry, List.of("in"));

  @Test
  void shouldKeepLagSumsPositiveThroughABackfillOfAnOldTerm() {
    // A replay of a term 13 years old: every record's event time and log time are years back.
    // Under a Timer (nanoseconds summed in a long) 100,000 of them overflowed the sum negative.
    for (int i = 0; i < 100_000; i++) {
      metrics.batchProcessed(1, 1_000, 13 * YEAR_MS, 2 * YEAR_MS);
    }
    String scrape = registry.scrape();

    assertThat(value(scrape, "coursepulse_engine_record_append_delay_seconds_sum"))
        .isEqualTo(100_000 * 2 * YEAR_MS / 1_000.0, org.assertj.core.data.Offset.offset(1e6));
    assertThat(value(scrape, "coursepulse_engine_record_event_lag_seconds_count"))
        .as("a backfill's event lag is not lateness: not in the histogram")
        .isZero();
    assertThat(value(scrape, "coursepulse_engine_record_event_lag_skipped_total{reason=\"older_than_7d\""))
        .isEqualTo(100_000);
  }

  @Test
  void shouldRecordEventLagOnlyBetweenNowAndSevenDaysAgo() {
    metrics.batchProcessed(1, 1_000, 2_000, 10); // 2 s late: recorded
    metrics.batchProcessed(1, 1_000, -60_000, 10); // a minute ahead of the clock: skipped
    metrics.batchProcessed(1, 1_000, 8 * 86_400_000L, 10); // 8 days old: skipped
    String scrape = registry.scrape();

    assertThat(value(scrape, "coursepulse_engine_record_event_lag_seconds_count")).isEqualTo(1);
    assertThat(value(scrape, "coursepulse_engine_record_event_lag_seconds_sum")).isEqualTo(2.0);
    assertThat(value(scrape, "coursepulse_engine_record_event_lag_seconds_max")).isEqualTo(2.0);
    assertThat(value(scrape, "coursepulse_engine_record_event_lag_skipped_total{reason=\"ahead_of_clock\""))
        .isEqualTo(1);
    assertThat(value(scrape, "coursepulse_engine_record_event_lag_skipped_total{reason=\"older_than_7d\""))
        .isEqualTo(1);
    assertThat(value(scrape, "coursepulse_engine_record_event_lag_seconds_bucket{le=\"+Inf\""))
        .isEqualTo(1);
  }

  @Test
  void shouldObserveABatchOnceWithItsMeanTimePerRecordAndItsLastRecordsLag() {
    metrics.batchProcessed(500, 5_000_000, 3_000, 40); // 500 records in 5 ms, the last 3 s late
    metrics.batchProcessed(1, 20_000, 1_000, 10);
    String scrape = registry.scrape();

    // One observation per batch, not per record: the batch's mean, 10 µs a record.
    assertThat(value(scrape, "coursepulse_engine_process_latency_seconds_count")).isEqualTo(2);
    assertThat(value(scrape, "coursepulse_engine_process_latency_seconds_sum"))
        .isEqualTo(10e-6 + 20e-6, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(value(scrape, "coursepulse_engine_process_latency_seconds_max")).isEqualTo(20e-6);
    assertThat(value(scrape, "coursepulse_engine_record_event_lag_seconds_count")).isEqualTo(2);
    assertThat(value(scrape, "coursepulse_engine_record_event_lag_seconds_sum")).isEqualTo(4.0);
    assertThat(value(scrape, "coursepulse_engine_record_append_delay_seconds_sum"))
        .isEqualTo(0.05, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void shouldCountAnAppendTimeAheadOfTheClockAsNoDelay() {
    metrics.batchProcessed(1, 1_000, 0, -5_000); // the broker's clock 5 s ahead of ours
    String scrape = registry.scrape();

    assertThat(value(scrape, "coursepulse_engine_record_append_delay_seconds_count")).isEqualTo(1);
    assertThat(value(scrape, "coursepulse_engine_record_append_delay_seconds_sum")).isZero();
  }

  @Test
  void shouldShowStreamTimeBehindTheClockAsAGauge() {
    metrics.registerStreamTimeLag(() -> 13.0 * YEAR_MS);
    assertThat(value(registry.scrape(), "coursepulse_engine_stream_time_lag_seconds"))
        .isEqualTo(13.0 * YEAR_MS / 1_000);
  }

  @Test
  void shouldShowStreamTimeAheadOfTheClockAsNoLag() {
    // a simulated term in the future: stream time 1,108,903 s ahead of the engine clock
    metrics.registerStreamTimeLag(() -> -1_108_903_000.0);
    assertThat(value(registry.scrape(), "coursepulse_engine_stream_time_lag_seconds")).isZero();
  }

  @Test
  void shouldLeaveStreamTimeLagUnknownBeforeTheFirstRecord() {
    metrics.registerStreamTimeLag(() -> Double.NaN);
    assertThat(value(registry.scrape(), "coursepulse_engine_stream_time_lag_seconds")).isNaN();
  }

  /** The value of the first sample whose name (and labels) start with {@code prefix}. */
  private static double value(String scrape, String prefix) {
    Matcher m =
        Pattern.compile("(?m)^" + Pattern.quote(prefix) + "[^ ]* ([^ ]+)$").matcher(scrape);
    assertThat(m.find()).as("sample %s in%n%s", prefix, scrape).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
