package coursepulse.engine;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Values of the form {@code "<key>-<n>@<timestamp>"} (e.g. {@code "a-0@10"}) for engine tests that
 * merge a few inputs into one output: written one at a time, read back in offset order, and a
 * topology that copies every input to the output keyed by the first character.
 */
final class TimestampedValues {

  private static final Duration WAIT = Duration.ofSeconds(30);

  private TimestampedValues() {}

  static void append(StreamLog log, String stream, String value) {
    try (LogWriter w = log.writer(stream, null)) {
      w.append(-1, value.getBytes(StandardCharsets.UTF_8));
      w.flush(WAIT);
    }
  }

  static List<String> read(StreamLog log, String stream) {
    List<String> values = new ArrayList<>();
    try (LogReader r = log.reader(stream, OffsetSpec.first())) {
      for (LogMessage m = r.poll(Duration.ZERO); m != null; m = r.poll(Duration.ZERO)) {
        values.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return values;
  }

  /** Sources named after the part of their stream after "in-", all sunk into {@code out}. */
  static Topology merge(String out, String... inputs) {
    Consumed<String, String> consumed =
        Consumed.<String, String>with(Serdes.String())
            .withKeyExtractor(v -> v.substring(0, 1))
            .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1)));
    Topology topology = new Topology();
    String[] names = new String[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      names[i] = inputs[i].substring(inputs[i].indexOf('-') + 1);
      topology.addSource(names[i], inputs[i], consumed);
    }
    return topology.addSink(out, out, Produced.with(Serdes.String()), names);
  }
}
