package coursepulse.cli;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.Topology;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.RiskTopology;
import coursepulse.lms.risk.RulesConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The alerting application as the {@code bench} phases run it: started from the first offset of
 * its inputs with a hook after each handled event, and waited for by polling, failing fast when
 * the engine stops instead of waiting out the timeout.
 */
final class BenchApp {

  /** How long a phase may wait for the broker or the engine before it fails. */
  static final Duration WAIT = Duration.ofMinutes(15);

  private BenchApp() {}

  /**
   * Creates the application's streams in {@code streams} and starts it.
   *
   * @param afterEvent called on the task thread after the alerting processor has handled an event
   * @param registry for the engine's meters, or {@code null} for none
   * @param heapStores whether to move its key-value stores to the heap ({@link
   *     Topology#keyValueStoresOnHeap})
   */
  static StreamEngine start(
      StreamLog streams,
      Path stateDir,
      String applicationId,
      Consumer<LmsEvent> afterEvent,
      MeterRegistry registry,
      boolean heapStores) {
    return start(
        streams, stateDir, applicationId, afterEvent, alert -> {}, registry, heapStores, null,
        RulesConfig.DEFAULTS);
  }

  /**
   * As {@link #start(StreamLog, Path, String, Consumer, MeterRegistry, boolean)}, also telling
   * {@code onAlert} of every alert as the processor emits it (on the task thread, before {@code
   * afterEvent} of the event being handled), checkpointing every {@code checkpointInterval}
   * ({@code null}: the engine's default), with the rules (and thresholds) {@code rules}.
   */
  static StreamEngine start(
      StreamLog streams,
      Path stateDir,
      String applicationId,
      Consumer<LmsEvent> afterEvent,
      Consumer<Alert> onAlert,
      MeterRegistry registry,
      boolean heapStores,
      Duration checkpointInterval,
      RulesConfig rules) {
    RiskTopology.Options options =
        RiskTopology.Options.forApplication(applicationId)
            .withAlertListener(onAlert)
            .withRules(rules);
    for (String s : StreamNames.INPUTS) {
      streams.createStream(s, Retention.unlimited());
    }
    for (String s :
        new String[] {
          StreamNames.ALERTS, options.deadLetterStream(), StreamNames.deadLetters(applicationId)
        }) {
      streams.createStream(s, Retention.unlimited());
    }
    Topology topology = RiskTopology.buildObserved(options, StreamNames.ALERTS, afterEvent);
    if (heapStores) {
      topology.keyValueStoresOnHeap();
    }
    StreamEngine.Builder builder =
        StreamEngine.builder()
            .applicationId(applicationId)
            .topology(topology)
            .log(streams)
            .stateDir(stateDir)
            .startFrom(OffsetSpec.first());
    if (registry != null) {
      builder.meterRegistry(registry);
    }
    if (checkpointInterval != null) {
      builder.checkpointInterval(checkpointInterval);
    }
    StreamEngine engine = builder.build();
    engine.start();
    return engine;
  }

  /** Nanoseconds from engine start until the alerting processor has handled {@code n} events. */
  static long processAll(
      StreamLog streams, Path stateDir, String applicationId, long n, boolean heapStores)
      throws InterruptedException {
    return processAll(
        streams, stateDir, applicationId, n, heapStores, RulesConfig.DEFAULTS, alert -> {});
  }

  /**
   * As {@link #processAll(StreamLog, Path, String, long, boolean)} with the rules {@code rules},
   * telling {@code onAlert} of every alert record.
   */
  static long processAll(
      StreamLog streams,
      Path stateDir,
      String applicationId,
      long n,
      boolean heapStores,
      RulesConfig rules,
      Consumer<Alert> onAlert)
      throws InterruptedException {
    AtomicLong handled = new AtomicLong();
    long start = System.nanoTime();
    try (StreamEngine engine =
        start(
            streams, stateDir, applicationId, e -> handled.lazySet(handled.get() + 1), onAlert,
            null, heapStores, null, rules)) {
      awaitHandled(engine, handled, n, "processor");
      return System.nanoTime() - start;
    }
  }

  /** Waits until {@code handled} reaches {@code n}; {@code what} names the phase in errors. */
  static void awaitHandled(StreamEngine engine, AtomicLong handled, long n, String what)
      throws InterruptedException {
    // the real-data rows process millions of events: at least 1,000 events/s before giving up
    long deadline = System.nanoTime() + Math.max(WAIT.toNanos(), n * 1_000_000L);
    while (handled.get() < n) {
      failIfStopped(engine, what);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(what + ": handled " + handled.get() + " of " + n);
      }
      Thread.sleep(1);
    }
  }

  static void awaitRunning(StreamEngine engine) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (engine.state() != StreamEngine.State.RUNNING) {
      failIfStopped(engine, "start");
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("engine not RUNNING: " + engine.state());
      }
      Thread.sleep(1);
    }
  }

  private static void failIfStopped(StreamEngine engine, String what) {
    StreamEngine.State s = engine.state();
    if (s == StreamEngine.State.ERROR || s == StreamEngine.State.STOPPED) {
      throw new IllegalStateException(
          what + ": engine " + s + engine.failure().map(t -> ": " + t).orElse(""));
    }
  }
}
