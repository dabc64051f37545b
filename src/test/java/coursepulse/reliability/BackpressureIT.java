package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A producer much faster than the processor must not make the processor run out of memory:
 * {@code process} runs with a 96 MiB heap while {@code produce --speed max} publishes a larger
 * semester (1,000 students) at several times the processing rate, so a backlog builds up in the
 * streams, not in the processor (credit-based reading, bounded per-source queues).
 */
@ExtendWith(RabbitMqExtension.class)
class BackpressureIT {

  @TempDir Path tmp;

  @Test
  void shouldWorkThroughABacklogWithASmallHeap(RabbitVhost vhost) throws Exception {
    Path produceLog = tmp.resolve("produce.log");
    Path processLog = tmp.resolve("process.log");
    List<String> produce =
        new ArrayList<>(List.of("produce", "--uri", vhost.uri(), "--quiet", "--students", "1000",
            "--courses", "10", "--seed", "11"));
    long start = System.nanoTime();
    Process producer = Cli.start(produceLog, List.of(), produce);
    try (StreamLog log = vhost.openLog()) {
      Cli.await(() -> Cli.count(log, StreamNames.LOGIN) > 0 ? 1 : 0, 1, producer, produceLog);
      Process processor =
          Cli.start(processLog, List.of("-Xmx96m", "-XX:+ExitOnOutOfMemoryError"),
              Cli.process(vhost.uri(), tmp.resolve("state"), "--stop-when-idle", "10"));
      Cli.awaitSuccess(producer, produceLog);
      long producedAt = System.nanoTime();
      Cli.awaitSuccess(processor, processLog);
      long processedAt = System.nanoTime();
      long events = 0;
      for (String s : StreamNames.INPUTS) {
        events += Cli.count(log, s);
      }
      System.out.printf(
          "backpressure: %d events; producer done after %d s, processor (-Xmx96m) after %d s;"
              + " alerts %d%n",
          events, TimeUnit.NANOSECONDS.toSeconds(producedAt - start),
          TimeUnit.NANOSECONDS.toSeconds(processedAt - start),
          Cli.count(log, StreamNames.ALERTS));
      // a backlog far beyond what 96 MB could hold as objects (the realistic simulator of model
      // version 2 writes about 275,000 events for this term)
      assertThat(events).isGreaterThan(250_000);
    }
    assertThat(Files.readString(processLog)).doesNotContain("OutOfMemoryError");
  }
}
