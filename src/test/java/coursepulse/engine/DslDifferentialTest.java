package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Differential test of the DSL against Kafka Streams itself: each case builds the same topology
 * in both engines, pipes the same seeded random records (keys from a small set, timestamps mostly
 * increasing, some out of order within grace and some beyond it) into Kafka's {@code
 * TopologyTestDriver} (record caching disabled) and into our {@link TestDriver}, and asserts the
 * same output records in the same order: key, window, value and timestamp.
 *
 * <p>Values are {@code key:payload} strings: Kafka gets the key on the record, our source extracts
 * it from the value. Each topology ends by turning its result into one string (key, window bounds,
 * value) so both sides compare as {@code value@timestamp}.
 */
class DslDifferentialTest {

  /** Seeds per scenario; raise with {@code -Ddifferential.seeds=N} for a longer run. */
  static final int SEEDS_PER_SCENARIO = Integer.getInteger("differential.seeds", 30);

  /** One piped record. */
  record Input(String stream, String key, String value, long timestamp) {}

  static String payload(String value) {
    return value.substring(value.indexOf(':') + 1);
  }

  static String keyOf(String value) {
    return value.substring(0, value.indexOf(':'));
  }

  // ---- input generation -------------------------------------------------------------------

  /**
   * Mostly increasing timestamps; about 20% late by up to the grace (still accepted), about 15%
   * late by up to three window lengths (often dropped).
   */
  static List<Input> generate(Random r, String stream, int count, int keys, long step, long horizon, long grace) {
    List<Input> inputs = new ArrayList<>();
    long streamTime = r.nextInt(20);
    for (int i = 0; i < count; i++) {
      double d = r.nextDouble();
      long ts;
      if (d < 0.65) {
        streamTime += r.nextInt((int) Math.max(1, step) + 1);
        ts = streamTime;
      } else if (d < 0.85) {
        ts = Math.max(0, streamTime - r.nextInt((int) grace + 1));
      } else {
        ts = Math.max(0, streamTime - r.nextInt((int) horizon + 1));
      }
      String key = "k" + r.nextInt(keys);
      inputs.add(new Input(stream, key, key + ":" + stream.charAt(0) + i, ts));
    }
    return inputs;
  }

  static Stream<Arguments> seeds() {
    return LongStream.range(0, SEEDS_PER_SCENARIO).mapToObj(Arguments::of);
  }

  /** Window parameters drawn from the seed. */
  record TimeParams(long size, long advance, long grace, List<Input> inputs) {
    static TimeParams of(long seed, boolean hopping) {
      Random r = new Random(seed * 7919 + (hopping ? 1 : 0));
      long size = 5 + r.nextInt(60);
      long advance = hopping ? 1 + r.nextInt((int) size) : size;
      long grace = r.nextInt(3) == 0 ? 0 : r.nextInt(40);
      List<Input> inputs =
          generate(r, "in", 30 + r.nextInt(170), 1 + r.nextInt(5), Math.max(1, size / 3), 3 * (size + grace), grace);
      return new TimeParams(size, advance, grace, inputs);
    }
  }

  record SessionParams(long gap, long grace, List<Input> inputs) {
    static SessionParams of(long seed) {
      Random r = new Random(seed * 104729 + 3);
      long gap = 1 + r.nextInt(30);
      long grace = r.nextInt(3) == 0 ? 0 : r.nextInt(40);
      List<Input> inputs =
          generate(r, "in", 30 + r.nextInt(170), 1 + r.nextInt(5), gap + 5, 3 * (gap + grace), grace);
      return new SessionParams(gap, grace, inputs);
    }
  }

  // ---- our side ---------------------------------------------------------------------------

  static List<String> runOurs(Consumer<StreamsBuilder> topology, List<Input> inputs) {
    StreamsBuilder builder = new StreamsBuilder();
    topology.accept(builder);
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      TestInputStream<String> table =
          inputs.stream().anyMatch(i -> i.stream().equals("table"))
              ? driver.createInputStream("table", Serdes.String())
              : null;
      for (Input i : inputs) {
        (i.stream().equals("in") ? in : table).pipe(i.value(), i.timestamp());
      }
      TestOutputStream<String, String> out = driver.createOutputStream("out", Serdes.String());
      List<String> result = new ArrayList<>();
      for (StreamRecord<String, String> r : out.readRecordsToList()) {
        result.add(r.value() + "@" + r.timestamp());
      }
      return result;
    }
  }

  private static KStream<String, String> source(StreamsBuilder b, String stream) {
    return b.stream(
        stream,
        Consumed.<String, String>with(Serdes.String()).withKeyExtractor(DslDifferentialTest::keyOf));
  }

  private static KGroupedStream<String, String> grouped(StreamsBuilder b) {
    return source(b, "in").groupByKey(Grouped.with(Serdes.String(), Serdes.String()));
  }

  private static <V> void emitWindowed(KTable<Windowed<String>, V> table, boolean suppress) {
    KTable<Windowed<String>, V> t =
        suppress ? table.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())) : table;
    t.toStream()
        .map(
            (w, v) ->
                KeyValue.pair(
                    w.key(),
                    w.key() + "@[" + w.window().startMs() + "," + w.window().endMs() + "]=" + v))
        .to("out", Produced.with(Serdes.String()));
  }

  static Consumer<StreamsBuilder> timeWindowCount(long size, long advance, long grace, boolean suppress) {
    return b ->
        emitWindowed(
            grouped(b)
                .windowedBy(
                    TimeWindows.ofSizeAndGrace(Duration.ofMillis(size), Duration.ofMillis(grace))
                        .advanceBy(Duration.ofMillis(advance)))
                .count(),
            suppress);
  }

  static Consumer<StreamsBuilder> timeWindowAggregate(long size, long advance, long grace, boolean suppress) {
    return b ->
        emitWindowed(
            grouped(b)
                .windowedBy(
                    TimeWindows.ofSizeAndGrace(Duration.ofMillis(size), Duration.ofMillis(grace))
                        .advanceBy(Duration.ofMillis(advance)))
                .aggregate(
                    () -> "",
                    (k, v, agg) -> agg + "," + payload(v),
                    Materialized.with(Serdes.String(), Serdes.String())),
            suppress);
  }

  static Consumer<StreamsBuilder> sessionCount(long gap, long grace, boolean suppress) {
    return b ->
        emitWindowed(
            grouped(b)
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(gap), Duration.ofMillis(grace)))
                .count(),
            suppress);
  }

  static Consumer<StreamsBuilder> sessionAggregate(long gap, long grace, boolean suppress) {
    return b ->
        emitWindowed(
            grouped(b)
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(gap), Duration.ofMillis(grace)))
                .aggregate(
                    () -> "",
                    (k, v, agg) -> agg + "," + payload(v),
                    (k, a1, a2) -> a1 + "|" + a2,
                    Materialized.with(Serdes.String(), Serdes.String())),
            suppress);
  }

  static Consumer<StreamsBuilder> countAndReduce() {
    return b ->
        grouped(b)
            .count()
            .toStream()
            .map((k, v) -> KeyValue.pair(k, k + "#count=" + v))
            .to("out", Produced.with(Serdes.String()));
  }

  static Consumer<StreamsBuilder> streamTableJoin(boolean left) {
    return b -> {
      KTable<String, String> table =
          source(b, "table")
              .mapValues(v -> v.endsWith(":DEL") ? null : payload(v))
              .toTable(Materialized.with(Serdes.String(), Serdes.String()));
      KStream<String, String> stream = source(b, "in");
      KStream<String, String> joined =
          left
              ? stream.leftJoin(table, (v, t) -> payload(v) + "+" + t)
              : stream.join(table, (v, t) -> payload(v) + "+" + t);
      joined.map((k, v) -> KeyValue.pair(k, k + "|" + v)).to("out", Produced.with(Serdes.String()));
    };
  }

  // ---- cases ------------------------------------------------------------------------------

  private static void assertSameOutput(
      Consumer<StreamsBuilder> ours,
      Consumer<org.apache.kafka.streams.StreamsBuilder> kafka,
      List<Input> inputs) {
    List<String> expected = KafkaReference.run(kafka, inputs);
    List<String> actual = runOurs(ours, inputs);
    assertThat(actual).as("output for inputs %s", inputs).containsExactlyElementsOf(expected);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldCountInTumblingWindowsLikeKafka(long seed) {
    TimeParams p = TimeParams.of(seed, false);
    assertSameOutput(
        timeWindowCount(p.size(), p.advance(), p.grace(), false),
        KafkaReference.timeWindowCount(p.size(), p.advance(), p.grace(), false),
        p.inputs());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldCountInHoppingWindowsLikeKafka(long seed) {
    TimeParams p = TimeParams.of(seed, true);
    assertSameOutput(
        timeWindowCount(p.size(), p.advance(), p.grace(), false),
        KafkaReference.timeWindowCount(p.size(), p.advance(), p.grace(), false),
        p.inputs());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldAggregateInHoppingWindowsLikeKafka(long seed) {
    TimeParams p = TimeParams.of(seed, true);
    assertSameOutput(
        timeWindowAggregate(p.size(), p.advance(), p.grace(), false),
        KafkaReference.timeWindowAggregate(p.size(), p.advance(), p.grace(), false),
        p.inputs());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldSuppressTumblingCountsUntilWindowClosesLikeKafka(long seed) {
    TimeParams p = TimeParams.of(seed, false);
    assertSameOutput(
        timeWindowCount(p.size(), p.advance(), p.grace(), true),
        KafkaReference.timeWindowCount(p.size(), p.advance(), p.grace(), true),
        p.inputs());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldSuppressHoppingAggregatesUntilWindowClosesLikeKafka(long seed) {
    TimeParams p = TimeParams.of(seed, true);
    assertSameOutput(
        timeWindowAggregate(p.size(), p.advance(), p.grace(), true),
        KafkaReference.timeWindowAggregate(p.size(), p.advance(), p.grace(), true),
        p.inputs());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldCountSessionsLikeKafka(long seed) {
    SessionParams p = SessionParams.of(seed);
    assertSameOutput(
        sessionCount(p.gap(), p.grace(), false),
        KafkaReference.sessionCount(p.gap(), p.grace(), false),
        p.inputs());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldAggregateAndMergeSessionsLikeKafka(long seed) {
    SessionParams p = SessionParams.of(seed);
    assertSameOutput(
        sessionAggregate(p.gap(), p.grace(), false),
        KafkaReference.sessionAggregate(p.gap(), p.grace(), false),
        p.inputs());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldSuppressSessionsUntilTheyCloseLikeKafka(long seed) {
    SessionParams p = SessionParams.of(seed);
    assertSameOutput(
        sessionAggregate(p.gap(), p.grace(), true),
        KafkaReference.sessionAggregate(p.gap(), p.grace(), true),
        p.inputs());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldCountPerKeyLikeKafka(long seed) {
    TimeParams p = TimeParams.of(seed, false);
    assertSameOutput(countAndReduce(), KafkaReference.countAndReduce(), p.inputs());
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldJoinStreamWithTableLikeKafka(long seed) {
    List<Input> inputs = joinInputs(seed);
    assertSameOutput(streamTableJoin(false), KafkaReference.streamTableJoin(false), inputs);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void shouldLeftJoinStreamWithTableLikeKafka(long seed) {
    List<Input> inputs = joinInputs(seed);
    assertSameOutput(streamTableJoin(true), KafkaReference.streamTableJoin(true), inputs);
  }

  /** Stream and table records interleaved at random; some table records delete their key. */
  static List<Input> joinInputs(long seed) {
    Random r = new Random(seed * 31 + 17);
    List<Input> stream = generate(r, "in", 20 + r.nextInt(100), 1 + r.nextInt(5), 5, 30, 10);
    List<Input> table = generate(r, "table", 5 + r.nextInt(40), 1 + r.nextInt(5), 5, 30, 10);
    List<Input> merged = new ArrayList<>();
    int s = 0;
    int t = 0;
    while (s < stream.size() || t < table.size()) {
      boolean takeTable = t < table.size() && (s >= stream.size() || r.nextInt(3) == 0);
      if (takeTable) {
        Input i = table.get(t++);
        merged.add(r.nextInt(6) == 0 ? new Input("table", i.key(), i.key() + ":DEL", i.timestamp()) : i);
      } else {
        merged.add(stream.get(s++));
      }
    }
    return merged;
  }
}
