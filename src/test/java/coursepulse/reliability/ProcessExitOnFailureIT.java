package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live {@code process} whose engine fails for good exits non-zero with the cause, so that a
 * supervisor restarts it. It used to stay up holding nothing: in a cluster its partitions had left
 * with it while the process looked healthy (ClusterScaleOutIT).
 */
@ExtendWith(RabbitMqExtension.class)
class ProcessExitOnFailureIT {

  @TempDir Path tmp;

  @Test
  void shouldExitNonZeroWhenItsEngineFailsForGood() throws Exception {
    RabbitVhost vhost = RabbitMqExtension.createVhost("ProcessExit");
    try {
      Path logFile = tmp.resolve("process.log");
      Path stateDir = tmp.resolve("state");
      Cli.run(logFile, List.of(), Cli.produce(vhost.uri()));
      Process p = Cli.start(logFile, List.of(), Cli.process(vhost.uri(), stateDir));
      try {
        Path taskDir = awaitCheckpoint(stateDir.resolve("coursepulse"), p, logFile);
        // The task's state directory becomes a plain file: its next checkpoint cannot be
        // written, a failure no retry mends (unlike a log outage).
        deleteTree(taskDir);
        Files.writeString(taskDir, "not a directory", StandardCharsets.UTF_8);

        assertThat(p.waitFor(2, TimeUnit.MINUTES))
            .as("process exited after its engine failed; its log: %s", Files.readString(logFile))
            .isTrue();
        assertThat(p.exitValue()).as("exit code").isNotZero();
        assertThat(Files.readString(logFile)).contains("processing failed");
      } finally {
        p.destroyForcibly();
      }
    } finally {
      RabbitMqExtension.deleteVhost(vhost);
    }
  }

  /** Waits for the first checkpoint file of the single task and returns its directory. */
  private static Path awaitCheckpoint(Path appDir, Process p, Path logFile) throws Exception {
    long deadline = System.nanoTime() + Cli.DEADLINE.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(p.isAlive()).as("process running; its log: %s", Files.readString(logFile)).isTrue();
      if (Files.isDirectory(appDir)) {
        try (Stream<Path> files = Files.walk(appDir)) {
          Path checkpoint =
              files
                  .filter(f -> f.getFileName().toString().startsWith("checkpoint-"))
                  .findFirst()
                  .orElse(null);
          if (checkpoint != null) {
            return checkpoint.getParent();
          }
        }
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no checkpoint within " + Cli.DEADLINE);
  }

  private static void deleteTree(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
