package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.internal.Checkpoint;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crashes of the real commands, killed with SIGKILL: {@code produce} mid-run, and {@code process}
 * ten times at seeded points (after an alert was published, and in the middle of a checkpoint
 * write), with the latest checkpoint garbled or truncated before some restarts. Inputs and alerts
 * must equal the uninterrupted {@link Reference} run: nothing missing, nothing doubled.
 */
@ExtendWith(RabbitMqExtension.class)
class CrashRecoveryIT {

  private static final long SEED = Long.getLong("crash.seed", 20261125L);
  private static final String APP = "coursepulse"; // process's default application id

  @TempDir Path tmp;

  @Test
  void shouldEndWithIdenticalInputStreamsWhenTheProducerIsKilledAndRestarted() throws Exception {
    Reference reference = Reference.get();
    RabbitVhost vhost = RabbitMqExtension.createVhost("ProducerCrash");
    try {
      killAndRestartProducer(reference, vhost);
    } finally {
      RabbitMqExtension.deleteVhost(vhost);
    }
  }

  private void killAndRestartProducer(Reference reference, RabbitVhost vhost) throws Exception {
    Random random = new Random(SEED);
    Path logFile = tmp.resolve("produce.log");
    try (StreamLog log = vhost.openLog()) {
      long target = (long) (reference.inputCount() * (0.2 + 0.5 * random.nextDouble()));
      // Paced (about a minute for the term) so that the kill lands mid-run even when polling the
      // stored count is slow; the pace is not part of the producer's identity, so the unpaced
      // restart below resumes the same deduplication sequence.
      Process producer =
          Cli.start(logFile, List.of(), Cli.produce(vhost.uri(), "--speed", "200000"));
      Cli.await(() -> inputs(log), target, producer, logFile);
      producer.destroyForcibly();
      assertThat(producer.waitFor(30, TimeUnit.SECONDS)).isTrue();
      long atKill = inputs(log);
      System.out.printf(
          "producer killed at %d of %d events stored%n", atKill, reference.inputCount());
      assertThat(atKill).isLessThan(reference.inputCount());

      Cli.run(logFile, List.of(), Cli.produce(vhost.uri()));
      for (String s : StreamNames.INPUTS) {
        assertThat(Cli.readAll(log, s)).as(s).isEqualTo(reference.inputs().get(s));
      }
    }
  }

  private enum Kill {
    AFTER_ALERT,
    MID_CHECKPOINT_WRITE
  }

  @Test
  void shouldWriteEveryAlertExactlyOnceAcrossTenKillsAndCorruptedCheckpoints(RabbitVhost vhost)
      throws Exception {
    Reference reference = Reference.get();
    List<String> expected = reference.alerts();
    Path setup = tmp.resolve("setup.log");
    Cli.run(setup, List.of(), Cli.produce(vhost.uri())); // resumes: a no-op if already there
    Random random = new Random(SEED);
    Path stateDir = tmp.resolve("state");
    Path checkpoints = stateDir.resolve(APP);

    List<Long> targets = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      targets.add((long) (expected.size() * (0.05 + 0.85 * random.nextDouble())));
    }
    targets.sort(null);
    List<Kill> plan = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      plan.add(i == 2 || i == 6 ? Kill.MID_CHECKPOINT_WRITE : Kill.AFTER_ALERT);
    }
    int nextTarget = 0;
    // What the run after a corruption must say it started from, by run.
    Map<Integer, String> restartAfter = new HashMap<>();
    int uncovered = 0;
    int fallbacks = 0;
    int fullReplays = 0;
    try (StreamLog log = vhost.openLog()) {
      for (int i = 0; i < plan.size(); i++) {
        Kill kill = plan.get(i);
        Path logFile = tmp.resolve("process-" + i + ".log");
        List<String> jvm =
            kill == Kill.MID_CHECKPOINT_WRITE
                ? List.of("-D" + Checkpoint.PAUSE_PROPERTY + "=1500")
                : List.of();
        // When the newest checkpoint before this run was written: a run that skips a corrupt
        // newest checkpoint writes its next one under the same name, and one that found none
        // usable starts again from sequence 1, so only the time tells a new one.
        FileTime knownAt = lastWritten(checkpoints);
        Process p = Cli.start(logFile, jvm, Cli.process(vhost.uri(), stateDir));
        try {
          long before = Cli.count(log, StreamNames.ALERTS);
          if (kill == Kill.AFTER_ALERT && before < expected.size()) {
            // an earlier kill may have overshot its target (polling the count takes time), and the
            // run can never store more alerts than the reference has
            long target = Math.min(expected.size(), Math.max(before + 1, targets.get(nextTarget++)));
            Cli.await(() -> Cli.count(log, StreamNames.ALERTS), target, p, logFile);
          } else if (kill == Kill.AFTER_ALERT) {
            // every alert is stored already: kill after the restarted run checkpointed again
            Cli.await(() -> writtenSince(checkpoints, knownAt) ? 1 : 0, 1, p, logFile);
          } else {
            Cli.await(() -> hasTempCheckpoint(checkpoints) ? 1 : 0, 1, p, logFile);
          }
        } finally {
          p.destroyForcibly(); // SIGKILL: no shutdown hook, no final checkpoint (also when a wait failed)
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        long stored = Cli.count(log, StreamNames.ALERTS);
        Checkpoint cp = latestQuietly(checkpoints);
        long covered = cp == null ? 0 : cp.nextPublishingIds().getOrDefault(StreamNames.ALERTS, 1L) - 1;
        if (stored > covered) {
          uncovered++;
        }
        String corrupted = "";
        if (kill == Kill.MID_CHECKPOINT_WRITE) {
          assertThat(hasTempCheckpoint(checkpoints)).as("killed between write and rename").isTrue();
        }
        if (i == 3 || i == 7) {
          // How many checkpoints the runs so far wrote depends on how fast they went: with one,
          // the next run has nothing to fall back on and replays from the start.
          boolean fallback = checkpointFiles(checkpoints).size() >= 2;
          corrupted = corrupt(newest(checkpoints), i == 3);
          restartAfter.put(i + 1, fallback ? "restoring from checkpoint" : "no usable checkpoint");
          if (fallback) {
            fallbacks++;
          } else {
            fullReplays++;
          }
        } else if (i == 8) {
          for (Path f : checkpointFiles(checkpoints)) {
            corrupted += corrupt(f, false) + " ";
          }
          fullReplays++;
        }
        if (i == 9) {
          assertThat(covered).as("checkpoints are written again after a full replay").isPositive();
        }
        System.out.printf(
            "kill %d (%s): %d of %d alerts stored, last checkpoint covers %d %s%n",
            i + 1, kill, stored, expected.size(), covered, corrupted);
      }
      Path last = tmp.resolve("process-last.log");
      Cli.run(last, List.of(), Cli.process(vhost.uri(), stateDir, "--stop-when-idle", "2"));

      List<String> actual = Cli.readAll(log, StreamNames.ALERTS);
      System.out.printf(
          "processor crash: %d kills (%d with alerts stored beyond the checkpoint), %d"
              + " fallbacks to the previous checkpoint, %d full replays; %d alerts, reference %d,"
              + " missing %d, extra %d%n",
          plan.size(), uncovered, fallbacks, fullReplays, actual.size(), expected.size(),
          expected.stream().filter(a -> !actual.contains(a)).count(),
          actual.size() - expected.size());
      assertThat(actual).hasSameSizeAs(expected);
      assertThat(actual).isEqualTo(expected);
      assertThat(uncovered).as("kills that left alerts beyond the checkpoint").isPositive();
    }
    // Each restart after a corruption said which checkpoint it skipped and what it used.
    for (int run : List.of(4, 8)) {
      assertThat(Files.readString(tmp.resolve("process-" + run + ".log")))
          .contains("skipping unusable checkpoint")
          .contains(restartAfter.get(run));
    }
    assertThat(Files.readString(tmp.resolve("process-9.log")))
        .contains("skipping unusable checkpoint")
        .contains("no usable checkpoint");
  }

  private static long inputs(StreamLog log) {
    long n = 0;
    for (String s : StreamNames.INPUTS) {
      n += Cli.count(log, s);
    }
    return n;
  }

  private static boolean hasTempCheckpoint(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.tmp")) {
      return ds.iterator().hasNext();
    } catch (IOException e) {
      return false;
    }
  }

  private static List<Path> checkpointFiles(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "checkpoint-*.bin")) {
      ds.forEach(out::add);
    }
    out.sort((a, b) -> b.getFileName().toString().compareTo(a.getFileName().toString()));
    return out;
  }

  /** When the newest checkpoint file in {@code dir} was last written; null when there is none. */
  private static FileTime lastWritten(Path dir) throws IOException {
    FileTime last = null;
    if (Files.isDirectory(dir)) {
      for (Path f : checkpointFiles(dir)) {
        FileTime t = Files.getLastModifiedTime(f);
        if (last == null || t.compareTo(last) > 0) {
          last = t;
        }
      }
    }
    return last;
  }

  /**
   * Whether a checkpoint was written in {@code dir} after {@code since} (null: any). By time, not
   * by name: after a corrupt newest checkpoint the next one reuses its name, and after a full
   * replay the sequence starts again at 1 (a CI run waited for a number above 7 from an idle
   * engine that had written 1 to 3).
   */
  private static boolean writtenSince(Path dir, FileTime since) {
    try {
      FileTime last = lastWritten(dir);
      return last != null && (since == null || last.compareTo(since) > 0);
    } catch (IOException e) {
      return false;
    }
  }

  private static Path newest(Path dir) throws IOException {
    List<Path> files = checkpointFiles(dir);
    assertThat(files).as("checkpoints in %s", dir).isNotEmpty();
    return files.get(0);
  }

  /** Garbles bytes in the middle of the file, or truncates it to half; says what it did. */
  private static String corrupt(Path file, boolean garble) throws IOException {
    byte[] b = Files.readAllBytes(file);
    if (garble) {
      for (int i = b.length / 2; i < Math.min(b.length, b.length / 2 + 16); i++) {
        b[i] = (byte) ~b[i];
      }
      Files.write(file, b);
      return "(garbled " + file.getFileName() + ")";
    }
    Files.write(file, java.util.Arrays.copyOf(b, b.length / 2));
    return "(truncated " + file.getFileName() + ")";
  }

  private static Checkpoint latestQuietly(Path dir) {
    try {
      return Checkpoint.loadLatest(dir);
    } catch (IOException e) {
      return null;
    }
  }
}
