package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code process} started after a {@code reset} deletes the reset marker once its first
 * checkpoint has taken over, while it runs, and still when stopped by SIGTERM: before, it deleted
 * the marker only after the shutdown hook, when the JVM may already have halted, so the marker
 * stayed and a later start without a usable checkpoint began at the stale reset position.
 */
class ResetMarkerTakeoverTest {
  @TempDir Path dir;

  @Test
  void shouldDeleteTheResetMarkerOnceACheckpointTookOver() throws Exception {
    Path log = dir.resolve("log");
    Path state = dir.resolve("state");
    String[] onLog = {"--broker", "embedded", "--embedded-dir", log.toString()};
    StringWriter err = new StringWriter();
    assertThat(InProcess.run(err, with(onLog, "produce", "--students", "20", "--days", "10", "--quiet")))
        .as(err.toString()).isZero();
    assertThat(InProcess.run(err, with(onLog, "process", "--state-dir", state.toString(),
        "--stop-when-idle", "1", "--metrics-port", "0", "--quiet"))).as(err.toString()).isZero();
    assertThat(InProcess.run(err, with(onLog, "reset", "-a", "coursepulse", "--state-dir",
        state.toString(), "--to", "first"))).as(err.toString()).isZero();
    Path marker = ResetMarker.file(state, "coursepulse");
    assertThat(marker).exists();

    Path childLog = dir.resolve("child.log");
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "process", "--broker", "embedded", "--embedded-dir", log.toString(),
                "--state-dir", state.toString(), "--checkpoint-interval", "1s",
                "--metrics-port", "0", "--quiet")
            .redirectErrorStream(true)
            .redirectOutput(childLog.toFile())
            .start();
    try {
      awaitCheckpoint(state.resolve("coursepulse"), child, childLog);
      // The checkpoint has taken over while it still runs: even kill -9 now leaves no stale marker.
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (Files.exists(marker)) {
        assertThat(child.isAlive()).as("process exited early: %s", Files.readString(childLog)).isTrue();
        assertThat(System.nanoTime()).as("marker still there 30 s after a checkpoint").isLessThan(deadline);
        Thread.sleep(100); // polling interval
      }
    } finally {
      child.destroy(); // SIGTERM
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(Files.readString(childLog)).contains("starting from the positions 'reset' left");
    assertThat(marker).as(Files.readString(childLog)).doesNotExist();
    assertThat(checkpoints(state.resolve("coursepulse"))).as("the final checkpoint").isPositive();
  }

  private static String[] with(String[] log, String command, String... args) {
    String[] all = new String[1 + log.length + args.length];
    all[0] = command;
    System.arraycopy(log, 0, all, 1, log.length);
    System.arraycopy(args, 0, all, 1 + log.length, args.length);
    return all;
  }

  /** Polls until the child has written a checkpoint of its own (reset deleted the earlier ones). */
  private static void awaitCheckpoint(Path appDir, Process child, Path childLog) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (checkpoints(appDir) == 0) {
      assertThat(child.isAlive()).as("process exited early: %s", Files.readString(childLog)).isTrue();
      assertThat(System.nanoTime()).as("no checkpoint within 60 s").isLessThan(deadline);
      Thread.sleep(100); // polling interval
    }
  }

  private static long checkpoints(Path appDir) throws IOException {
    try (var files = Files.list(appDir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("checkpoint-")).count();
    }
  }
}
