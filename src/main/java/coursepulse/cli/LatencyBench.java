package coursepulse.cli;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.RulesConfig;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The {@code e2e-latency} rows of {@code bench}: a fresh simulation published at a fixed rate while
 * the application runs live; per event, the producer notes {@link System#nanoTime()} right before
 * {@code append} under the event id, and the application, right after its alerting processor has
 * handled the event, records the difference. The first 10% of events (warm-up) are not recorded.
 */
final class LatencyBench {

  private final int rate;
  private final int seconds;
  private final BenchReport report;

  /**
   * @param rate events per second the producer publishes
   * @param seconds how long it publishes
   */
  LatencyBench(int rate, int seconds, BenchReport report) {
    this.rate = rate;
    this.seconds = seconds;
    this.report = report;
  }

  /**
   * The simulation to publish: the next seed after {@code throughput}'s (other events than the
   * throughput rows'), with enough students that the semester lasts the whole run.
   */
  SimulationConfig liveConfig(SimulationConfig throughput, int students) {
    // A semester has about 350 events per student: enough students to last the whole run.
    return throughput
        .withSeed(throughput.seed() + 1)
        .withStudents(Math.max(students, (int) ((long) rate * seconds / 250) + 1));
  }

  /**
   * Measures in a namespace of its own and adds {@code e2e-latency-p50}, {@code -p99}, {@code
   * alert-latency-p50}, {@code -p99} (unmeasured without an alert after the warm-up), {@code
   * latency-run-checkpoints} and {@code latency-run-alerts}, each name followed by {@code suffix}.
   */
  void run(
      BenchNamespace.Opener namespaces, LogOptions.Broker broker, SimulationConfig config,
      String suffix)
      throws IOException, InterruptedException {
    Latencies latency;
    try (BenchNamespace ns = namespaces.open(broker, "latency")) {
      latency = measure(ns.log(), ns.stateDir(), config);
    }
    for (int p : new int[] {50, 99}) {
      report.add("e2e-latency-p" + p + suffix,
          latency.handled.getValueAtPercentile(p) / 1000.0, "ms", null, 0);
    }
    long alerts = latency.alertRead.getTotalCount();
    for (int p : new int[] {50, 99}) {
      if (alerts > 0) {
        report.add("alert-latency-p" + p + suffix,
            latency.alertRead.getValueAtPercentile(p) / 1000.0, "ms", null, 0);
      } else {
        report.addUnmeasured("alert-latency-p" + p + suffix, "ms");
      }
    }
    if (alerts == 0) {
      report.progress(
          "no alert measured after the warm-up of the latency run, so the alert-latency rows are"
              + " unmeasured: its events are the first days of a term, and the rules open alerts"
              + " later (the risk score from course day 14). Run it longer (--latency-seconds) or"
              + " over a smaller semester (--students)");
    }
    report.add("latency-run-checkpoints" + suffix, latency.checkpoints, "count", null, 0);
    report.add("latency-run-alerts" + suffix, alerts, "count", null, 0);
  }

  /**
   * @param handled microseconds from an event's append until the processor has handled it
   * @param alertRead microseconds from an event's append until an alert its handling emitted is
   *     readable in the alerts stream ({@link AlertLatency})
   * @param checkpoints checkpoints the application took during the run
   */
  private record Latencies(Histogram handled, Histogram alertRead, long checkpoints) {}

  /**
   * Checkpoints during the run: a quarter of its length (at least a second), so that latency is
   * measured over several of them, as in production where one comes every 30 s of a long run.
   */
  private Duration checkpointInterval() {
    return Duration.ofMillis(Math.max(1_000, seconds * 1_000L / 4));
  }

  /** Publishes {@code config}'s events to {@code streams} while the application handles them. */
  private Latencies measure(StreamLog streams, Path stateDir, SimulationConfig config)
      throws InterruptedException {
    long total = (long) rate * seconds;
    long warmup = total / 10;
    Histogram histogram = new Histogram(TimeUnit.MINUTES.toMicros(10), 3);
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    AtomicLong handled = new AtomicLong();
    streams.createStream(StreamNames.ALERTS, Retention.unlimited());
    AlertLatency alerts = new AlertLatency(streams, StreamNames.ALERTS);
    Consumer<LmsEvent> onEvent =
        e -> {
          Long t0 = sentAt.remove(e.eventId());
          if (t0 != null) {
            histogram.recordValue(
                Math.min(histogram.getHighestTrackableValue(), (System.nanoTime() - t0) / 1000));
          }
          alerts.handled(t0);
          handled.lazySet(handled.get() + 1);
        };
    for (String s : StreamNames.INPUTS) {
      streams.createStream(s, Retention.unlimited());
    }
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (alerts;
        StreamEngine engine =
            BenchApp.start(
                streams, stateDir, "bench-live", onEvent, alerts::emitted, registry, false,
                checkpointInterval(), RulesConfig.DEFAULTS)) {
      BenchApp.awaitRunning(engine);
      LogWriter[] writers = new LogWriter[StreamNames.INPUTS.size()];
      try {
        for (int s = 0; s < writers.length; s++) {
          writers[s] = streams.writer(StreamNames.INPUTS.get(s), "bench-live");
        }
        SimulationRun run = new Simulation(config).run();
        long sent = 0;
        long start = System.nanoTime();
        double nanosPerEvent = 1e9 / rate;
        for (SimEvent e = run.next(); e != null && sent < total; e = run.next()) {
          byte[] body = e.toJson();
          long due = start + (long) (sent * nanosPerEvent);
          long now;
          while ((now = System.nanoTime()) < due) {
            LockSupport.parkNanos(due - now);
          }
          if (sent >= warmup) {
            sentAt.put(e.eventId(), System.nanoTime());
          }
          writers[e.streamIndex()].append(e.sequence() + 1, body);
          sent++;
        }
        double achieved = sent * 1e9 / (System.nanoTime() - start);
        for (LogWriter w : writers) {
          w.flush(BenchApp.WAIT);
        }
        BenchApp.awaitHandled(engine, handled, sent, "latency");
        if (!alerts.awaitRead(BenchApp.WAIT)) {
          throw new IllegalStateException(
              "latency phase: not every alert the application emitted was readable in "
                  + StreamNames.ALERTS + " after " + BenchApp.WAIT);
        }
        Histogram alertRead = alerts.histogram();
        long checkpoints = registry.find("coursepulse.engine.checkpoint.pause").timers().stream()
            .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
        String toAlerts =
            alertRead.getTotalCount() == 0
                ? "no alert measured in " + StreamNames.ALERTS
                : String.format(
                    "to the alert readable in %s (%,d alerts): p50 %.1f ms, p99 %.1f ms, max %.1f"
                        + " ms",
                    StreamNames.ALERTS, alertRead.getTotalCount(),
                    alertRead.getValueAtPercentile(50) / 1000.0,
                    alertRead.getValueAtPercentile(99) / 1000.0, alertRead.getMaxValue() / 1000.0);
        report.progress(
            "latency at %,.0f events/s (%,d events, first %,d not recorded): p50 %.1f ms,"
                + " p99 %.1f ms, max %.1f ms; %s; %d checkpoints during the run",
            achieved, sent, warmup, histogram.getValueAtPercentile(50) / 1000.0,
            histogram.getValueAtPercentile(99) / 1000.0, histogram.getMaxValue() / 1000.0,
            toAlerts, checkpoints);
        return new Latencies(histogram, alertRead, checkpoints);
      } finally {
        for (LogWriter w : writers) {
          if (w != null) {
            w.close();
          }
        }
      }
    }
  }
}
