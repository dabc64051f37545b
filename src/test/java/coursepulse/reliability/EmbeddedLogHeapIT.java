package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams larger than the heap on the file-backed embedded log: {@code produce} writes a term of
 * 2,000 students and {@code process} works through it, each in a 96 MiB heap, so neither may hold
 * the streams in memory. Before the log read written messages back from its segment files, a
 * process needed a heap the size of its streams, and opening a directory larger than the heap
 * failed.
 */
class EmbeddedLogHeapIT {

  private static final List<String> SMALL_HEAP = List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError");

  @TempDir Path tmp;

  @Test
  void shouldProduceAndProcessStreamsLargerThanTheHeap() throws Exception {
    Path dir = tmp.resolve("log");
    Path produceLog = tmp.resolve("produce.log");
    Path processLog = tmp.resolve("process.log");
    Cli.run(
        produceLog,
        SMALL_HEAP,
        List.of(
            "produce", "--broker", "embedded", "--embedded-dir", dir.toString(), "--quiet",
            "--students", "2000", "--courses", "10", "--seed", "11", "--speed", "max"));
    Cli.run(
        processLog,
        SMALL_HEAP,
        List.of(
            "process", "--broker", "embedded", "--embedded-dir", dir.toString(),
            "--state-dir", tmp.resolve("state").toString(), "--stop-when-idle", "5", "--quiet",
            "--metrics-port", "0"));

    long onDisk = bytesUnder(dir.resolve("streams"));
    long events;
    long alerts;
    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      events = 0;
      for (String s : StreamNames.INPUTS) {
        events += Cli.count(log, s);
      }
      alerts = Cli.count(log, StreamNames.ALERTS);
    }
    System.out.printf(
        "embedded log heap: %d events, %d alerts, %d MB of segments, processed in -Xmx96m%n",
        events, alerts, onDisk >> 20);
    assertThat(onDisk).as("segment bytes, against a 96 MiB heap").isGreaterThan(2L * (96 << 20));
    assertThat(events).isGreaterThan(500_000);
    assertThat(alerts).isPositive();
    assertThat(Files.readString(produceLog) + Files.readString(processLog))
        .doesNotContain("OutOfMemoryError");
  }

  private static long bytesUnder(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              })
          .sum();
    }
  }
}
