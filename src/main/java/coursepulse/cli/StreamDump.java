package coursepulse.cli;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** Reads a whole stream as it is now, for commands that evaluate or compare its content. */
final class StreamDump {
  private StreamDump() {}

  /**
   * Every message from the first offset to the end the log reports, plus whatever of the last
   * chunk follows it (the reported last offset may be a chunk's first on RabbitMQ 3.11+).
   */
  static List<byte[]> bodies(StreamLog log, String stream) {
    List<byte[]> out = new ArrayList<>();
    forEach(log, stream, out::add);
    return out;
  }

  /** Like {@link #bodies}, handing each body to {@code action} instead of keeping them all. */
  static void forEach(StreamLog log, String stream, Consumer<byte[]> action) {
    Optional<StreamStats> stats = log.stats(stream);
    if (stats.isEmpty()) {
      return;
    }
    long last = stats.get().lastOffset();
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      long reached = -1;
      while (true) {
        LogMessage m = reader.poll(reached >= last ? Duration.ofMillis(500) : Duration.ofSeconds(30));
        if (m == null) {
          if (reached >= last) {
            return;
          }
          throw new IllegalStateException(
              "reading " + stream + " stalled at offset " + reached + " before " + last);
        }
        reached = m.offset();
        action.accept(m.body());
      }
    }
  }
}
