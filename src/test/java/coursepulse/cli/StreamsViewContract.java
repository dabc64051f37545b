package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitVhost;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The operator view {@code streams} on a real broker, where every stored consumer offset is an
 * entry of the stream that takes an offset and is never delivered (issue 20: counts and lag
 * included those entries, and the time lag read "time unknown" when the last offset was one).
 * Run against RabbitMQ 3.10 ({@link StreamsViewIT}) and 4.0 ({@link StreamsView4IT}).
 */
abstract class StreamsViewContract {

  private static final String STREAM = StreamNames.LOGIN;

  protected abstract RabbitVhost vhost();

  @Test
  void shouldCountMessagesAndTheNextRunsLagWithoutOffsetTrackingEntries() throws Exception {
    StringWriter err = new StringWriter();
    assertThat(InProcess.run(err, "streams", "--create", "--uri", vhost().uri())).as("%s", err).isZero();
    List<Long> offsets;
    try (RabbitStreamLog log = vhost().openLog()) {
      // 25 messages with stored offsets between and after them, as a live run leaves them.
      append(log, 0, 10);
      log.storeOffset("coursepulse", STREAM, 4);
      append(log, 10, 10);
      List<Long> soFar = messageOffsets(log, 20);
      log.storeOffset("coursepulse", STREAM, soFar.get(14)); // processed 15 messages
      append(log, 20, 5);
      offsets = messageOffsets(log, 25);
      log.storeOffset("trial", STREAM, offsets.get(24)); // an entry after the newest message
    }
    assertThat(offsets.get(24)).as("stored offsets take offsets of the stream").isGreaterThan(24);

    StringWriter out = new StringWriter();
    assertThat(InProcess.run(out, err, "streams", "--uri", vhost().uri(), "-a", "coursepulse,trial"))
        .as("%s", err)
        .isZero();
    String row =
        out.toString().lines().filter(l -> l.startsWith(STREAM + " ")).findFirst().orElseThrow();
    String[] cols = row.trim().split("\\s+", 5);

    assertThat(cols[2]).as("LAST is the newest message: %s", row).isEqualTo(offsets.get(24).toString());
    assertThat(cols[3]).as("MESSAGES: %s", row).isEqualTo("25");
    assertThat(cols[4])
        .as("the next run resumes after the 15th message: 10 messages to go")
        .containsPattern("coursepulse@" + offsets.get(14) + " \\(lag 10 msgs, \\d+s\\)")
        .contains("trial@" + offsets.get(24) + " (lag 0 msgs, 0s)")
        .doesNotContain("unknown");
  }

  private static void append(RabbitStreamLog log, int from, int n) {
    try (LogWriter w = log.writer(STREAM, "streams-view")) {
      for (int i = from; i < from + n; i++) {
        w.append(i + 1, ("m" + i).getBytes(StandardCharsets.UTF_8));
      }
      w.flush(Duration.ofSeconds(30));
    }
  }

  private static List<Long> messageOffsets(RabbitStreamLog log, int expected) {
    List<Long> offsets = new ArrayList<>();
    try (LogReader r = log.reader(STREAM, OffsetSpec.first())) {
      while (offsets.size() < expected) {
        LogMessage m = r.poll(Duration.ofSeconds(10));
        assertThat(m).as("message %d of %d", offsets.size() + 1, expected).isNotNull();
        offsets.add(m.offset());
      }
    }
    return offsets;
  }
}
