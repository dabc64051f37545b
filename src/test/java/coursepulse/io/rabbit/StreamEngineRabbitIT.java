package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.TestDriver;
import coursepulse.engine.TestInputStream;
import coursepulse.engine.TestOutputStream;
import coursepulse.engine.Serdes;
import coursepulse.engine.log.Retention;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The engine end to end on RabbitMQ Streams: three inputs, a windowed count, one output. */
@ExtendWith(RabbitMqExtension.class)
class StreamEngineRabbitIT {

  private static final Duration WAIT = Duration.ofMinutes(2);

  @TempDir Path stateDir;

  @Test
  void shouldMergeThreeStreamsCountInWindowsAndWriteWhatTheTestDriverWrites(RabbitStreamLog log)
      throws Exception {
    List<String> inputs =
        List.of(
            RabbitVhost.uniqueStream("in-1"), RabbitVhost.uniqueStream("in-2"),
            RabbitVhost.uniqueStream("in-3"));
    String output = RabbitVhost.uniqueStream("out");
    WindowedCountApp.writeInputs(log, inputs, 2_000, 42);
    log.createStream(output, Retention.unlimited());
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    try (StreamEngine engine =
        WindowedCountApp.engine(log, "e2e", inputs, output, stateDir, Duration.ofSeconds(1), 0)
            .meterRegistry(registry)
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).as("idle; failure: %s", engine.failure()).isTrue();
    }

    List<String> written = WindowedCountApp.readAll(log, output, Duration.ofSeconds(2));
    assertThat(written).isEqualTo(expected(log, inputs, output));
    double dropped = registry.get("coursepulse.engine.records.dropped").counter().count();
    assertThat(written.size() + (long) dropped).isEqualTo(3 * 2_000);
    assertThat(dropped).isPositive();
    for (String in : inputs) {
      assertThat(log.queryOffset("e2e", in)).hasValue(1_999);
    }
  }

  /** The same records piped through the synchronous test driver, in the log's merge order. */
  private static List<String> expected(RabbitStreamLog log, List<String> inputs, String output) {
    try (TestDriver driver = new TestDriver(WindowedCountApp.topology(inputs, output, 0))) {
      List<List<String>> values = new java.util.ArrayList<>();
      for (String in : inputs) {
        values.add(WindowedCountApp.readAll(log, in, Duration.ofSeconds(2)));
      }
      // The engine merges by event time (ties: first source); so does this loop.
      int[] next = new int[inputs.size()];
      List<TestInputStream<String>> pipes = new java.util.ArrayList<>();
      for (String in : inputs) {
        pipes.add(driver.createInputStream(in, Serdes.String()));
      }
      while (true) {
        int best = -1;
        long bestTs = Long.MAX_VALUE;
        for (int i = 0; i < inputs.size(); i++) {
          if (next[i] < values.get(i).size()) {
            String v = values.get(i).get(next[i]);
            long ts = Long.parseLong(v.substring(v.indexOf('@') + 1));
            if (best < 0 || ts < bestTs) {
              best = i;
              bestTs = ts;
            }
          }
        }
        if (best < 0) {
          break;
        }
        pipes.get(best).pipe(values.get(best).get(next[best]++), bestTs);
      }
      TestOutputStream<String, String> out = driver.createOutputStream(output, Serdes.String());
      return out.readValuesToList();
    }
  }
}
