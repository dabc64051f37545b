package coursepulse.lms.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The meters of ingest. Tag values are bounded: HTTP status, source, our event type, the reject
 * reason code; never a student, course or event id.
 */
final class IngestMetrics {

  private final MeterRegistry registry;
  private final Timer commitLatency;
  private final Timer requestAppendLatency;
  private final DistributionSummary commitEvents;

  IngestMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.commitLatency =
        Timer.builder("coursepulse.ingest.commit.latency")
            .description("Time of one group commit: append and broker confirm of all its events")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.requestAppendLatency =
        Timer.builder("coursepulse.ingest.append.latency")
            .description("Time a request waits for its events to be confirmed (queue + commit)")
            .publishPercentiles(0.5, 0.99)
            .register(registry);
    this.commitEvents =
        DistributionSummary.builder("coursepulse.ingest.commit.events")
            .description("Events (duplicates included) per group commit")
            .register(registry);
  }

  void request(Source source, int status) {
    Counter.builder("coursepulse.ingest.requests")
        .description("HTTP requests by source endpoint and status code")
        .tag("source", source == null ? "none" : source.code())
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
  }

  void accepted(Source source, String type) {
    Counter.builder("coursepulse.ingest.events.accepted")
        .description("Product events appended, by source and product event type")
        .tag("source", source.code())
        .tag("type", type)
        .register(registry)
        .increment();
  }

  void duplicate(Source source) {
    Counter.builder("coursepulse.ingest.events.duplicate")
        .description("Product events not appended because they were stored already")
        .tag("source", source.code())
        .register(registry)
        .increment();
  }

  void ignored(Source source) {
    Counter.builder("coursepulse.ingest.events.ignored")
        .description("Valid source events of types or actions the product does not use")
        .tag("source", source.code())
        .register(registry)
        .increment();
  }

  void rejected(Source source, RejectReason reason) {
    Counter.builder("coursepulse.ingest.events.rejected")
        .description("Source events refused (dead-lettered, or with event_time_ahead the request answered 400),"
                + " by source and reason")
        .tag("source", source.code())
        .tag("reason", reason.code())
        .register(registry)
        .increment();
  }

  void commit(int events, int appended, long nanos) {
    commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    commitEvents.record(events);
  }

  void requestAppendLatency(long nanos) {
    requestAppendLatency.record(nanos, TimeUnit.NANOSECONDS);
  }
}
