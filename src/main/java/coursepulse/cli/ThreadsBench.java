package coursepulse.cli;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.risk.RiskTopology;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bench rows {@code processor-threads-1}, {@code -2} and {@code -4}: the alerting application
 * over inputs of {@link #PARTITIONS} partitions (one task each), its tasks run by 1, 2 and 4 task
 * threads ({@code process --threads}). On the in-memory embedded log, so that the rows measure how
 * the engine's processing spreads over cores, not a broker sharing them. Every event of a course
 * rather than a student (an assignment) goes to every partition, so the tasks process a few more
 * events in all than a plain run; the rates count what they processed.
 */
final class ThreadsBench {

  static final int PARTITIONS = 4;
  static final int[] THREADS = {1, 2, 4};
  private static final Duration WAIT = Duration.ofMinutes(10);

  /** The row name for {@code threads} task threads. */
  static String row(int threads) {
    return "processor-threads-" + threads;
  }

  /** The row names, in order. */
  static List<String> rows() {
    return java.util.Arrays.stream(THREADS).mapToObj(ThreadsBench::row).toList();
  }

  /**
   * Publishes up to {@code maxEvents} events of the simulated semester to partitioned inputs and
   * processes them {@code rounds} times with each thread count, interleaved.
   *
   * @return the best round per thread count, in {@link #THREADS} order
   */
  static Map<Integer, Throughput.Measured> run(
      SimulationConfig config, long maxEvents, int rounds, Path stateDir, Throughput throughput)
      throws InterruptedException {
    try (EmbeddedStreamLog log = EmbeddedStreamLog.inMemory()) {
      for (String s : StreamNames.INPUTS) {
        log.createSuperStream(s, PARTITIONS, Retention.unlimited());
      }
      new SimulationPublisher(Pacer.unlimited(), x -> {})
          .publish(new Simulation(config), log, maxEvents);
      long n = 0;
      for (String s : StreamNames.INPUTS) {
        for (String p : log.partitions(s)) {
          n += log.stats(p).map(st -> st.lastOffset() + 1).orElse(0L);
        }
      }
      Map<Integer, Throughput.Measured> best = new LinkedHashMap<>();
      for (int round = 1; round <= rounds; round++) {
        for (int threads : THREADS) {
          String app = "bench-threads-" + threads + "-" + round;
          long total = n;
          Throughput.Measured m =
              throughput.measure(
                  row(threads), round, n,
                  () -> process(log, stateDir.resolve(app), app, threads, total));
          best.put(threads, m.best(best.get(threads)));
        }
      }
      return best;
    }
  }

  private static long process(
      EmbeddedStreamLog log, Path stateDir, String applicationId, int threads, long n)
      throws InterruptedException {
    RiskTopology.Options options = RiskTopology.Options.forApplication(applicationId);
    for (String s :
        new String[] {
          StreamNames.ALERTS, options.deadLetterStream(), StreamNames.deadLetters(applicationId)
        }) {
      log.createStream(s, Retention.unlimited());
    }
    AtomicLong handled = new AtomicLong(); // tasks on several threads count into it
    long start = System.nanoTime();
    try (StreamEngine engine =
        StreamEngine.builder()
            .applicationId(applicationId)
            .topology(
                RiskTopology.buildObserved(options, StreamNames.ALERTS, e -> handled.incrementAndGet()))
            .log(log)
            .stateDir(stateDir)
            .startFrom(OffsetSpec.first())
            .taskThreads(threads)
            .build()) {
      engine.start();
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (handled.get() < n) {
        StreamEngine.State s = engine.state();
        if (s == StreamEngine.State.ERROR || s == StreamEngine.State.STOPPED) {
          throw new IllegalStateException(
              row(threads) + ": engine " + s + engine.failure().map(t -> ": " + t).orElse(""));
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(row(threads) + ": handled " + handled.get() + " of " + n);
        }
        Thread.sleep(1);
      }
      return System.nanoTime() - start;
    }
  }

  private ThreadsBench() {}
}
