package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamTimePunctuationTest {

  private static final long HOUR = Duration.ofHours(1).toMillis();
  private static final long DAY = Duration.ofDays(1).toMillis();

  /**
   * Remembers when each key was last seen; every hour of stream time, reports keys silent for 7
   * days, once.
   */
  static final class AbsenceDetector implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> ctx;
    private KeyValueStore<String, Long> lastSeen;

    @Override
    public void init(ProcessorContext<String, String> context) {
      ctx = context;
      lastSeen = context.getStateStore("last-seen");
      context.schedule(Duration.ofHours(1), PunctuationType.STREAM_TIME, this::sweep);
    }

    @Override
    public void process(StreamRecord<String, String> r) {
      lastSeen.put(r.key(), r.timestamp());
    }

    private void sweep(long streamTime) {
      List<String> silent = new ArrayList<>();
      for (Iterator<KeyValue<String, Long>> it = lastSeen.all(); it.hasNext(); ) {
        KeyValue<String, Long> kv = it.next();
        if (kv.value() <= streamTime - 7 * DAY) {
          silent.add(kv.key());
        }
      }
      for (String key : silent) {
        lastSeen.delete(key);
        ctx.forward(new StreamRecord<>(key, "silent since " + streamTime, streamTime));
      }
    }
  }

  private static Topology absenceTopology() {
    return new Topology()
        .addSource(
            "src", "logins",
            Consumed.<String, String>with(Serdes.String()).withKeyExtractor(v -> v))
        .addProcessor("absence", AbsenceDetector::new, "src")
        .addStateStore(
            Stores.keyValueStoreBuilder("last-seen", Serdes.String(), Serdes.Long()), "absence")
        .addSink("alerts", "alerts", Produced.with(Serdes.String()), "absence");
  }

  @Test
  void shouldReportAKeyThatNeverSendsAgainAsStreamTimeAdvancesThroughOtherKeys() {
    try (TestDriver d = new TestDriver(absenceTopology())) {
      TestInputStream<String> in = d.createInputStream("logins", Serdes.String());
      TestOutputStream<String, String> alerts = d.createOutputStream("alerts", Serdes.String());
      in.pipe("alice", 0L);
      for (long t = DAY; t < 7 * DAY; t += DAY) {
        in.pipe("bob", t);
      }
      in.pipe("bob", 7 * DAY - 1);
      assertThat(alerts.isEmpty()).isTrue();

      in.pipe("bob", 7 * DAY + 30 * 60_000L); // crosses the hour boundary at 7 days
      List<StreamRecord<String, String>> out = alerts.readRecordsToList();
      assertThat(out).extracting(StreamRecord::key).containsExactly("alice");
      assertThat(out.get(0).timestamp()).isEqualTo(7 * DAY + 30 * 60_000L);

      in.pipe("bob", 20 * DAY); // alice is reported once only
      assertThat(alerts.readRecordsToList()).isEmpty();
      assertThat(d.<String, Long>getKeyValueStore("last-seen").get("alice")).isNull();
    }
  }

  @Test
  void shouldFireOnFirstRecordThenOnceWhenAJumpCrossesSeveralBoundaries() {
    List<Long> fired = new ArrayList<>();
    List<Long> streamTimeInPunctuator = new ArrayList<>();
    Topology t =
        new Topology()
            .addSource("s", "in", Consumed.with(Serdes.String()))
            .addProcessor(
                "p",
                () ->
                    new Processor<Object, String, Void, Void>() {
                      @Override
                      public void init(ProcessorContext<Void, Void> ctx) {
                        ctx.schedule(
                            Duration.ofMillis(HOUR),
                            PunctuationType.STREAM_TIME,
                            ts -> {
                              fired.add(ts);
                              streamTimeInPunctuator.add(ctx.currentStreamTimeMs());
                              assertThat(ctx.recordMetadata()).isEmpty();
                            });
                      }

                      @Override
                      public void process(StreamRecord<Object, String> r) {}
                    },
                "s");
    try (TestDriver d = new TestDriver(t)) {
      TestInputStream<String> in = d.createInputStream("in", Serdes.String());
      in.pipe("a", 10L); // Kafka Streams' alignment: schedules start at 0, so the first record fires
      in.pipe("b", HOUR - 1); // no boundary crossed
      in.pipe("c", 5 * HOUR + 7); // crosses 1h..5h: fires once, with the current stream time
      in.pipe("d", 5 * HOUR + 8); // next boundary is 6h
      in.pipe("e", 2 * HOUR); // out of order: stream time does not move
      in.pipe("f", 6 * HOUR);
      assertThat(fired).containsExactly(10L, 5 * HOUR + 7, 6 * HOUR);
      assertThat(streamTimeInPunctuator).isEqualTo(fired);
    }
  }

  @Test
  void shouldStopFiringOnceCancelled() {
    List<Long> fired = new ArrayList<>();
    Topology t =
        new Topology()
            .addSource("s", "in", Consumed.with(Serdes.String()))
            .addProcessor(
                "p",
                () ->
                    new Processor<Object, String, Void, Void>() {
                      private Cancellable handle;

                      @Override
                      public void init(ProcessorContext<Void, Void> ctx) {
                        handle =
                            ctx.schedule(
                                Duration.ofMillis(10), PunctuationType.STREAM_TIME,
                                ts -> {
                                  fired.add(ts);
                                  if (fired.size() == 2) {
                                    handle.cancel();
                                  }
                                });
                      }

                      @Override
                      public void process(StreamRecord<Object, String> r) {}
                    },
                "s");
    try (TestDriver d = new TestDriver(t)) {
      TestInputStream<String> in = d.createInputStream("in", Serdes.String());
      for (long ts = 0; ts <= 100; ts += 10) {
        in.pipe("x", ts);
      }
    }
    assertThat(fired).containsExactly(0L, 10L);
  }
}
