package coursepulse.cli;

import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.Progress;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The simulator's progress as meters, fed by the publisher's progress snapshots (at most one a
 * second, which is finer than any sensible scrape interval):
 *
 * <ul>
 *   <li>{@code coursepulse.producer.events.published} (tag {@code stream}): events this process
 *       sent to each input stream;
 *   <li>{@code coursepulse.producer.events.skipped}: events regenerated on a restart but not sent
 *       because the log already had them;
 *   <li>{@code coursepulse.producer.simulated.time} (seconds since the epoch): event time of the
 *       last event generated, so a dashboard shows where in the term the simulation is.
 * </ul>
 *
 * Thread-safe: the publisher's thread writes, the scraping thread reads.
 */
final class ProducerMeters {

  // index i holds the count of StreamNames.INPUTS.get(i); slot 3 is "skipped", 4 the sim time
  private final AtomicLongArray values = new AtomicLongArray(5);

  ProducerMeters(MeterRegistry registry) {
    List<String> streams = StreamNames.INPUTS;
    for (int i = 0; i < streams.size(); i++) {
      final int idx = i;
      FunctionCounter.builder("coursepulse.producer.events.published", values, v -> v.get(idx))
          .description("Events the simulator sent to an input stream")
          .tag("stream", streams.get(i))
          .register(registry);
    }
    FunctionCounter.builder("coursepulse.producer.events.skipped", values, v -> v.get(3))
        .description("Events regenerated after a restart but not sent: the log already had them")
        .register(registry);
    Gauge.builder("coursepulse.producer.simulated.time", values, v -> (double) v.get(4))
        .description("Event time of the last simulated event, seconds since the epoch")
        .baseUnit("seconds")
        .register(registry);
  }

  /** Takes a progress snapshot; counts never go down, as Prometheus counters must not. */
  void update(Progress p) {
    long[] sent = p.sent();
    for (int i = 0; i < Math.min(3, sent.length); i++) {
      values.accumulateAndGet(i, sent[i], Math::max);
    }
    values.accumulateAndGet(3, p.skipped(), Math::max);
    Instant at = p.simulatedTime();
    if (at != null) {
      values.set(4, at.getEpochSecond());
    }
  }
}
