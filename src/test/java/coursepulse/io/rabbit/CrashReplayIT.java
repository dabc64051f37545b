package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.internal.Checkpoint;
import coursepulse.engine.log.Retention;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Effectively-once output across real crashes: the engine runs in a child JVM that is killed with
 * SIGKILL ({@link Process#destroyForcibly()}) at seeded random points, after it published outputs
 * its last checkpoint does not cover, and is restarted from its state directory each time. Its
 * output stream must equal, record for record, that of an uninterrupted run.
 */
@ExtendWith(RabbitMqExtension.class)
class CrashReplayIT {

  private static final long SEED = Long.getLong("crash.seed", 20261125L);
  private static final int PER_STREAM = 4_000;
  private static final long SPIN_NANOS = 100_000; // ~0.1 ms per record: a run lasts seconds
  private static final Duration DEADLINE = Duration.ofMinutes(3);

  @TempDir Path tmp;

  @Test
  void shouldWriteTheSameOutputAsAnUninterruptedRunAfterBeingKilledTwice(
      RabbitVhost vhost, RabbitStreamLog log) throws Exception {
    List<String> inputs =
        List.of(
            RabbitVhost.uniqueStream("in-1"), RabbitVhost.uniqueStream("in-2"),
            RabbitVhost.uniqueStream("in-3"));
    String refOut = RabbitVhost.uniqueStream("out-ref");
    String crashOut = RabbitVhost.uniqueStream("out-crash");
    WindowedCountApp.writeInputs(log, inputs, PER_STREAM, SEED);
    log.createStream(refOut, Retention.unlimited());
    log.createStream(crashOut, Retention.unlimited());

    try (StreamEngine reference =
        WindowedCountApp.engine(log, "ref", inputs, refOut, tmp.resolve("ref"),
                Duration.ofSeconds(30), 0)
            .build()) {
      reference.start();
      assertThat(reference.awaitIdle(DEADLINE)).isTrue();
    }
    List<String> expected = WindowedCountApp.readAll(log, refOut, Duration.ofSeconds(2));
    assertThat(expected).hasSizeGreaterThan(PER_STREAM);

    Random random = new Random(SEED);
    Path stateDir = tmp.resolve("crash");
    long previousKill = 0;
    int uncovered = 0;
    for (int kill = 1; kill <= 2; kill++) {
      // Kill somewhere in the next third of the output, seeded.
      long target =
          previousKill + expected.size() / 6 + random.nextInt(Math.max(1, expected.size() / 6));
      Process worker = startWorker(vhost, inputs, crashOut, stateDir);
      long published = awaitOutputs(log, crashOut, target, worker);
      worker.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint, no flush
      assertThat(worker.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long afterKill = WindowedCountApp.count(log, crashOut);
      Checkpoint cp = Checkpoint.loadLatest(stateDir.resolve("crash"));
      long covered = cp == null ? 0 : cp.nextPublishingIds().getOrDefault(crashOut, 1L) - 1;
      System.out.printf(
          "kill %d at %d outputs seen (%d stored after the kill), checkpoint covers %d%n",
          kill, published, afterKill, covered);
      if (afterKill > covered) {
        uncovered++;
      }
      previousKill = afterKill;
    }
    // A kill can land just after a checkpoint (every 300 ms) with nothing published since; the
    // run must still have exercised re-publishing beyond a checkpoint at least once.
    assertThat(uncovered)
        .as("kills with outputs published beyond the last checkpoint before them")
        .isPositive();
    Process last = startWorker(vhost, inputs, crashOut, stateDir);
    assertThat(last.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(last.exitValue()).isZero();

    List<String> actual = WindowedCountApp.readAll(log, crashOut, Duration.ofSeconds(2));
    assertThat(actual).hasSameSizeAs(expected);
    assertThat(actual).isEqualTo(expected);
  }

  private Process startWorker(
      RabbitVhost vhost, List<String> inputs, String output, Path stateDir) throws Exception {
    Files.createDirectories(stateDir);
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EngineWorker.class.getName());
    command.add(vhost.uri());
    command.add("crash");
    command.add(output);
    command.add(stateDir.toString());
    command.add("300"); // checkpoint every 300 ms: kills land between checkpoints
    command.add(Long.toString(SPIN_NANOS));
    command.addAll(inputs);
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(tmp.resolve("worker.log").toFile()))
            .start();
    return p;
  }

  /** Polls the output stream until it holds {@code target} messages. */
  private static long awaitOutputs(RabbitStreamLog log, String stream, long target, Process worker)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      long n = WindowedCountApp.count(log, stream);
      if (n >= target) {
        return n;
      }
      if (!worker.isAlive() || System.nanoTime() > deadline) {
        throw new AssertionError(
            "worker " + (worker.isAlive() ? "too slow" : "exited " + worker.exitValue())
                + ": " + n + " of " + target + " outputs");
      }
      TimeUnit.MILLISECONDS.sleep(5); // polling interval, not a wait for an outcome
    }
  }
}
