package coursepulse.cli;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.Retention;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.EventPublisher;
import coursepulse.lms.publish.EventSource;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.PublishableEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * {@code bench}'s state-size sweep (issue 19): for each size, the alerting application runs a
 * term of that many simulated students up to {@code days} on the in-memory embedded log, then the
 * heap its state holds is measured (used heap after full GCs with the engine open, minus the same
 * once it is closed, the log unchanged in between) and divided by the tracked student-courses.
 *
 * <p>The events are generated and published in chunks while the engine runs, each chunk only
 * after the engine has handled the one before, into streams whose retention drops what was read:
 * a million students' month (tens of millions of events) never sits in memory at once. Chunks
 * end at one point of the global event order, so the engine sees every stream up to the same
 * time and processes in the same order as from a complete log. The rate is events over the
 * phase's wall time with the generator running on the same cores, so it is a lower bound of the
 * engine's own rate.
 */
final class StateSweepBench {

  /** One size's result. */
  record Point(
      int students, long studentCourses, long events, double bytesPerStudentCourse,
      double eventsPerSecond) {}

  /** Events per chunk: about 200 MB of JSON at most in the log at once. */
  private static final long CHUNK = 1_000_000;

  private static final Retention READ_AND_DROPPED = new Retention(null, 256L << 20);

  private final int days;
  private final Consumer<String> progress;

  StateSweepBench(int days, Consumer<String> progress) {
    this.days = days;
    this.progress = progress;
  }

  List<Point> run(List<Integer> sizes) throws IOException, InterruptedException {
    List<Point> points = new ArrayList<>();
    for (int students : sizes) {
      if (students > 0) {
        points.add(measure(students));
      }
    }
    return points;
  }

  Point measure(int students) throws IOException, InterruptedException {
    Path stateDir = Files.createTempDirectory("coursepulse-bench-sweep-");
    try (EmbeddedStreamLog log = EmbeddedStreamLog.inMemory()) {
      for (String s : StreamNames.INPUTS) {
        log.createStream(s, READ_AND_DROPPED);
      }
      SimulationConfig config = SimulationConfig.defaults().withStudents(students).withDays(days);
      SimulationRun run = new Simulation(config).run();
      long[] loaded = runToEnd(log, stateDir, run, config.producerName());
      long published = loaded[0];
      long pairs = loaded[1];
      long withState = loaded[2];
      double seconds = loaded[3] / 1e9;
      // The engine is closed and its frame gone: nothing holds its stores any more; the log and
      // the generator are still held, as they were in the first measurement.
      long without = StateBench.usedHeapAfterGc();
      Reference.reachabilityFence(run);
      double perPair = (withState - without) / (double) pairs;
      progress.accept(
          String.format(
              "state sweep: %,d students, %,d events in %.1f s (%,.0f events/s with the"
                  + " generator); %,d student-courses, %,d heap bytes of state: %.0f bytes each",
              students, published, seconds, published / seconds, pairs, withState - without,
              perPair));
      return new Point(students, pairs, published, perPair, published / seconds);
    } finally {
      BenchNamespace.deleteTree(stateDir);
    }
  }

  /** {events, student-courses, used heap with the engine's state, nanoseconds}. */
  private static long[] runToEnd(EmbeddedStreamLog log, Path stateDir, SimulationRun run, String producer)
      throws InterruptedException {
    EventPublisher publisher = new EventPublisher(Pacer.unlimited(), p -> {});
    AtomicLong handled = new AtomicLong();
    MeterRegistry registry = new SimpleMeterRegistry();
    long start = System.nanoTime();
    long published = 0;
    try (StreamEngine engine =
        BenchApp.start(
            log, stateDir, "bench-sweep", e -> handled.lazySet(handled.get() + 1), registry,
            false)) {
      Chunk chunk = new Chunk(run);
      while (!chunk.ended) {
        chunk.left = CHUNK;
        published += publisher.publish(chunk, producer, log).total();
        BenchApp.awaitHandled(engine, handled, published, "state sweep");
      }
      long nanos = System.nanoTime() - start;
      long pairs = StateBench.studentCourses(registry);
      return new long[] {published, pairs, StateBench.usedHeapAfterGc(), nanos};
    }
  }

  /** At most {@code left} events of the run, then an end without taking the next one. */
  private static final class Chunk implements EventSource {
    private final SimulationRun run;
    long left;
    boolean ended;

    Chunk(SimulationRun run) {
      this.run = run;
    }

    @Override
    public PublishableEvent next() {
      if (left == 0 || ended) {
        return null;
      }
      left--;
      PublishableEvent e = run.next();
      ended = e == null;
      return e;
    }
  }
}
