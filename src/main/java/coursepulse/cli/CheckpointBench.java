package coursepulse.cli;

import coursepulse.engine.Consumed;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.Stores;
import coursepulse.engine.Topology;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The checkpoint rows of {@code bench}: how long a checkpoint stops the task thread, and how long
 * a restore takes, with {@code N} student-courses of state. The state is synthetic but shaped like
 * the risk application's enrolment state (one object per student-course in a heap store: weekly
 * activity counts and timestamps, about 150 serialized bytes; plus a serialized store of per-student
 * totals); the engine, its stores and checkpointer are the real ones, on the in-memory embedded log
 * (no broker I/O: it measures the engine). Per size: load N student-courses and close (final
 * checkpoint); time a new engine from {@code start()} to {@code RUNNING} (the restore), then let it
 * process updates to random student-courses (as many as N, at least 200,000) with a checkpoint
 * every 500 ms, recording the {@code coursepulse.engine.checkpoint.pause} timer's maximum and the
 * longest gap between two records the processor saw (anything that stopped the task: checkpoints,
 * GC).
 */
final class CheckpointBench {

  private static final String INPUT = "ckpt-bench-in";
  private static final int WEEKS = 16;
  private static final Duration INTERVAL = Duration.ofMillis(500);
  private static final long WAIT_NANOS = TimeUnit.MINUTES.toNanos(20);

  /**
   * One size's measurements.
   *
   * @param studentCourses the state's size
   * @param pauseMaxMs the longest checkpoint pause of the task thread
   * @param pauseCount checkpoints taken while updates were processed
   * @param gapMaxMs the longest gap between two records during the updates
   * @param restoreSeconds start() to RUNNING of a new engine over the loaded state's checkpoint
   * @param checkpointBytes the state directory's size after loading
   */
  record Result(
      int studentCourses, double pauseMaxMs, long pauseCount, double gapMaxMs,
      double restoreSeconds, long checkpointBytes) {}

  private final PrintWriter out;

  CheckpointBench(PrintWriter out) {
    this.out = out;
  }

  /** One student-course's state, changed in place as the application's objects are. */
  static final class Enrollment {
    final int[] weekly = new int[WEEKS];
    long firstSeen;
    long lastSeen;
    int submissions;
  }

  static final Serde<Enrollment> ENROLLMENT =
      Serdes.from(
          e -> {
            ByteBuffer b = ByteBuffer.allocate(4 * WEEKS + 20);
            for (int w : e.weekly) {
              b.putInt(w);
            }
            return b.putLong(e.firstSeen).putLong(e.lastSeen).putInt(e.submissions).array();
          },
          bytes -> {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            Enrollment e = new Enrollment();
            for (int i = 0; i < WEEKS; i++) {
              e.weekly[i] = b.getInt();
            }
            e.firstSeen = b.getLong();
            e.lastSeen = b.getLong();
            e.submissions = b.getInt();
            return e;
          });

  /** Updates the student-course's object and the student's total; tracks gaps between records. */
  static final class Updater implements Processor<String, String, Void, Void> {
    private final AtomicLong handled;
    private final AtomicLong maxGapNanos;
    private KeyValueStore<String, Enrollment> enrollments;
    private KeyValueStore<String, Long> totals;
    private long last;

    Updater(AtomicLong handled, AtomicLong maxGapNanos) {
      this.handled = handled;
      this.maxGapNanos = maxGapNanos;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
      enrollments = context.getStateStore("ckpt-enrollments");
      totals = context.getStateStore("ckpt-totals");
    }

    @Override
    public void process(StreamRecord<String, String> r) {
      long now = System.nanoTime();
      if (last != 0 && now - last > maxGapNanos.get()) {
        maxGapNanos.set(now - last);
      }
      last = now;
      Enrollment e = enrollments.get(r.key());
      if (e == null) {
        e = new Enrollment();
        e.firstSeen = r.timestamp();
        enrollments.put(r.key(), e);
      }
      e.weekly[(int) (r.timestamp() / 604_800_000L % WEEKS)]++;
      e.lastSeen = r.timestamp();
      e.submissions += r.value().length() & 1;
      String student = r.key().substring(0, r.key().indexOf('/'));
      Long t = totals.get(student);
      totals.put(student, t == null ? 1 : t + 1);
      handled.lazySet(handled.get() + 1);
    }
  }

  List<Result> run(List<Integer> sizes) throws Exception {
    List<Result> results = new ArrayList<>();
    for (int n : sizes) {
      results.add(measure(n));
    }
    return results;
  }

  private Result measure(int studentCourses) throws Exception {
    Path stateDir = Files.createTempDirectory("coursepulse-ckpt-bench-");
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createStream(INPUT, Retention.unlimited());
      long published = publish(log, studentCourses, 0, studentCourses, true);
      AtomicLong handled = new AtomicLong();
      try (StreamEngine engine =
          start(log, stateDir, handled, new AtomicLong(), new SimpleMeterRegistry())) {
        await(engine, handled, published);
      }
      long bytes = directorySize(stateDir);
      int updates = Math.max(200_000, studentCourses);
      published += publish(log, studentCourses, published, updates, false);

      // Restore the loaded state, then process the updates over it with checkpoints.
      AtomicLong maxGap = new AtomicLong();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      long start = System.nanoTime();
      try (StreamEngine engine = start(log, stateDir, handled, maxGap, registry)) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (engine.state() != StreamEngine.State.RUNNING) {
          failIfStopped(engine);
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("checkpoint bench: restore did not finish");
          }
          Thread.sleep(1);
        }
        double restore = (System.nanoTime() - start) / 1e9;
        long t0 = System.nanoTime();
        double pauseMax = 0;
        long pauses = 0;
        double pauseTotal = 0;
        // Polled while the updates run: the timer's maximum decays with its time window.
        while (handled.get() < published) {
          failIfStopped(engine);
          Timer pause = registry.find("coursepulse.engine.checkpoint.pause").timer();
          if (pause != null) {
            pauseMax = Math.max(pauseMax, pause.max(TimeUnit.MILLISECONDS));
            pauses = pause.count();
            pauseTotal = pause.totalTime(TimeUnit.MILLISECONDS);
          }
          if (System.nanoTime() - t0 > WAIT_NANOS) {
            throw new IllegalStateException("checkpoint bench: updates not processed in time");
          }
          Thread.sleep(2);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        out.printf(
            "  checkpoints at %,d student-courses: restore %.2f s from %,d checkpoint bytes;"
                + " %,d updates in %.1f s, %d checkpoints, pause mean %.2f ms, longest %.2f ms;"
                + " longest gap between records %.2f ms; load average %.1f%n",
            studentCourses, restore, bytes, updates, seconds, pauses,
            pauses == 0 ? 0 : pauseTotal / pauses, pauseMax, maxGap.get() / 1e6,
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        out.flush();
        return new Result(studentCourses, pauseMax, pauses, maxGap.get() / 1e6, restore, bytes);
      }
    } finally {
      BenchNamespace.deleteTree(stateDir);
    }
  }

  /**
   * Appends events: with {@code everyOnce}, one per student-course (four courses per student), else
   * {@code count} to random student-courses. Event times advance a minute per event.
   */
  private static long publish(StreamLog log, int studentCourses, long from, int count, boolean everyOnce) {
    SplittableRandom random = new SplittableRandom(from);
    try (LogWriter w = log.writer(INPUT, null)) {
      for (int i = 0; i < count; i++) {
        int sc = everyOnce ? i : random.nextInt(studentCourses);
        String key = "student-" + (sc / 4) + "/course-" + (sc % 4);
        String body = key + "@" + ((from + i) * 60_000L) + (random.nextBoolean() ? "" : "!");
        w.append(from + i + 1, body.getBytes(StandardCharsets.UTF_8));
      }
      w.flush(Duration.ofMinutes(1));
    }
    return count;
  }

  private static StreamEngine start(
      StreamLog log, Path stateDir, AtomicLong handled, AtomicLong maxGap,
      SimpleMeterRegistry registry) {
    Topology topology =
        new Topology()
            .addSource("in", INPUT, Consumed.<String, String>with(Serdes.String())
                .withKeyExtractor(v -> v.substring(0, v.indexOf('@')))
                .withTimestampExtractor(
                    (v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1).replace("!", ""))))
            .addProcessor("update", () -> new Updater(handled, maxGap), "in")
            .addStateStore(
                Stores.heapKeyValueStoreBuilder("ckpt-enrollments", Serdes.String(), ENROLLMENT),
                "update")
            .addStateStore(
                Stores.keyValueStoreBuilder("ckpt-totals", Serdes.String(), Serdes.Long()), "update");
    StreamEngine engine =
        StreamEngine.builder()
            .applicationId("ckpt-bench")
            .topology(topology)
            .log(log)
            .stateDir(stateDir)
            .meterRegistry(registry)
            .checkpointInterval(INTERVAL)
            .build();
    engine.start();
    return engine;
  }

  private static void await(StreamEngine engine, AtomicLong handled, long n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT_NANOS;
    while (handled.get() < n) {
      failIfStopped(engine);
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("checkpoint bench: handled " + handled.get() + " of " + n);
      }
      Thread.sleep(5);
    }
  }

  private static void failIfStopped(StreamEngine engine) {
    StreamEngine.State s = engine.state();
    if (s == StreamEngine.State.ERROR || s == StreamEngine.State.STOPPED) {
      throw new IllegalStateException(
          "checkpoint bench: engine " + s + engine.failure().map(t -> ": " + t).orElse(""));
    }
  }

  private static long directorySize(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
  }
}
