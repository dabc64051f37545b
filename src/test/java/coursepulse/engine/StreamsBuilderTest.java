package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Each DSL operator on the {@link TestDriver}; values are {@code key:payload} strings. */
class StreamsBuilderTest {

  private static final Consumed<String, String> KEYED =
      Consumed.<String, String>with(Serdes.String())
          .withKeyExtractor(v -> v.substring(0, v.indexOf(':')));

  private static List<StreamRecord<String, String>> run(
      Consumer<StreamsBuilder> topology, Object... valueAndTimestampPairs) {
    StreamsBuilder builder = new StreamsBuilder();
    topology.accept(builder);
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      for (int i = 0; i < valueAndTimestampPairs.length; i += 2) {
        in.pipe((String) valueAndTimestampPairs[i], ((Number) valueAndTimestampPairs[i + 1]).longValue());
      }
      TestOutputStream<String, String> out = driver.createOutputStream("out", Serdes.String());
      return out.readRecordsToList();
    }
  }

  private static List<String> values(List<StreamRecord<String, String>> records) {
    List<String> values = new ArrayList<>();
    records.forEach(r -> values.add(r.value()));
    return values;
  }

  private static final Produced<String, String> OUT = Produced.with(Serdes.String());

  @Test
  void shouldKeepOnlyMatchingRecordsWithFilterAndDropThemWithFilterNot() {
    assertThat(values(run(b -> b.stream("in", KEYED).filter((k, v) -> k.equals("a")).to("out", OUT),
            "a:1", 1, "b:2", 2, "a:3", 3)))
        .containsExactly("a:1", "a:3");
    assertThat(values(run(b -> b.stream("in", KEYED).filterNot((k, v) -> k.equals("a")).to("out", OUT),
            "a:1", 1, "b:2", 2)))
        .containsExactly("b:2");
  }

  @Test
  void shouldMapKeysAndValuesAndKeepTheTimestamp() {
    List<StreamRecord<String, String>> out =
        run(b -> b.stream("in", KEYED)
                .map((k, v) -> KeyValue.pair(k.toUpperCase(), v + "!"))
                .to("out", OUT),
            "a:1", 5);
    assertThat(out).containsExactly(new StreamRecord<>("A", "a:1!", 5));
  }

  @Test
  void shouldMapValuesWithAndWithoutKey() {
    assertThat(values(run(b -> b.stream("in", KEYED)
                .mapValues(v -> v.length())
                .mapValues((k, n) -> k + "=" + n)
                .to("out", OUT),
            "ab:123", 1)))
        .containsExactly("ab=6");
  }

  @Test
  void shouldFlatMapIntoSeveralRecordsInOrder() {
    List<StreamRecord<String, String>> out =
        run(b -> b.stream("in", KEYED)
                .flatMap((k, v) -> List.of(KeyValue.pair(k + "1", "x"), KeyValue.pair(k + "2", "y")))
                .to("out", OUT),
            "a:1", 7);
    assertThat(out).containsExactly(new StreamRecord<>("a1", "x", 7), new StreamRecord<>("a2", "y", 7));
    assertThat(values(run(b -> b.stream("in", KEYED)
                .flatMapValues(v -> Arrays.asList(v.split(":")))
                .to("out", OUT),
            "a:1", 7)))
        .containsExactly("a", "1");
  }

  @Test
  void shouldPeekAndForeachWithoutChangingRecords() {
    List<String> seen = new ArrayList<>();
    List<String> terminal = new ArrayList<>();
    assertThat(values(run(b -> {
              KStream<String, String> s = b.stream("in", KEYED).peek((k, v) -> seen.add(k));
              s.to("out", OUT);
              s.foreach((k, v) -> terminal.add(v));
            },
            "a:1", 1, "b:2", 2)))
        .containsExactly("a:1", "b:2");
    assertThat(seen).containsExactly("a", "b");
    assertThat(terminal).containsExactly("a:1", "b:2");
  }

  @Test
  void shouldSendEachRecordToTheFirstMatchingBranchOrTheDefault() {
    List<String> consumed = new ArrayList<>();
    StreamsBuilder builder = new StreamsBuilder();
    Map<String, KStream<String, String>> branches =
        builder.stream("in", KEYED)
            .split("s-")
            .branch((k, v) -> k.startsWith("a"), Branched.as("a"))
            .branch((k, v) -> k.startsWith("ab"), Branched.as("never"))
            .branch((k, v) -> k.startsWith("c"), Branched.withConsumer(s -> s.foreach((k, v) -> consumed.add(v))))
            .defaultBranch();
    assertThat(branches).containsOnlyKeys("s-a", "s-never", "s-0");
    branches.get("s-a").mapValues(v -> "A " + v).to("out", OUT);
    branches.get("s-never").mapValues(v -> "N " + v).to("out", OUT);
    branches.get("s-0").mapValues(v -> "D " + v).to("out", OUT);
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      in.pipe("ab:1", 1);
      in.pipe("c:2", 2);
      in.pipe("z:3", 3);
      assertThat(driver.<String, String>createOutputStream("out", Serdes.String()).readValuesToList())
          .containsExactly("A ab:1", "D z:3");
    }
    assertThat(consumed).containsExactly("c:2");
  }

  @Test
  void shouldSelectKeyAndMergeTwoStreamsInEventTimeOrder() {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, String> one = builder.stream("in", KEYED);
    KStream<String, String> two = builder.stream("in2", KEYED).selectKey((k, v) -> "two");
    one.merge(two).map((k, v) -> KeyValue.pair(k, k + "/" + v)).to("out", OUT);
    try (TestDriver driver = new TestDriver(builder.build())) {
      driver.createInputStream("in", Serdes.String()).pipe("a:1", 1);
      driver.createInputStream("in2", Serdes.String()).pipe("b:2", 2);
      assertThat(driver.<String, String>createOutputStream("out", Serdes.String()).readValuesToList())
          .containsExactly("a/a:1", "two/b:2");
    }
  }

  @Test
  void shouldRunAProcessorConnectedToAStoreAddedToTheBuilder() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.addStateStore(Stores.keyValueStoreBuilder("seen", Serdes.String(), Serdes.Long()));
    builder.stream("in", KEYED)
        .process(
            () ->
                new Processor<String, String, String, String>() {
                  private ProcessorContext<String, String> context;
                  private KeyValueStore<String, Long> seen;

                  @Override
                  public void init(ProcessorContext<String, String> context) {
                    this.context = context;
                    this.seen = context.getStateStore("seen");
                  }

                  @Override
                  public void process(StreamRecord<String, String> record) {
                    Long n = seen.get(record.key());
                    long next = n == null ? 1 : n + 1;
                    seen.put(record.key(), next);
                    context.forward(record.withValue(record.key() + "#" + next));
                  }
                },
            "seen")
        .to("out", OUT);
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      in.pipe("a:1", 1);
      in.pipe("a:2", 2);
      assertThat(driver.<String, String>createOutputStream("out", Serdes.String()).readValuesToList())
          .containsExactly("a#1", "a#2");
      assertThat(driver.<String, Long>getKeyValueStore("seen").get("a")).isEqualTo(2L);
    }
  }

  @Test
  void shouldCountReduceAndAggregatePerKeyIntoQueryableStores() {
    StreamsBuilder builder = new StreamsBuilder();
    KGroupedStream<String, String> grouped =
        builder.stream("in", KEYED).groupByKey(Grouped.with(Serdes.String(), Serdes.String()));
    grouped.count(Materialized.as("counts")).toStream()
        .mapValues((k, n) -> k + " count " + n).to("out", OUT);
    grouped.reduce((a, b) -> a + "+" + b, Materialized.as("reduced")).toStream()
        .mapValues((k, v) -> k + " reduce " + v).to("out", OUT);
    grouped.aggregate(() -> 0, (k, v, agg) -> agg + v.length(),
            Materialized.<String, Integer>as("lengths").withValueSerde(Serdes.Integer()))
        .toStream().mapValues((k, n) -> k + " length " + n).to("out", OUT);
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      in.pipe("a:1", 10);
      in.pipe("a:22", 5);
      List<StreamRecord<String, String>> out =
          driver.<String, String>createOutputStream("out", Serdes.String()).readRecordsToList();
      assertThat(values(out))
          .containsExactly(
              "a count 1", "a reduce a:1", "a length 3",
              "a count 2", "a reduce a:1+a:22", "a length 7");
      // an aggregate's timestamp is the largest one it has seen
      assertThat(out.get(3).timestamp()).isEqualTo(10);
      KeyValueStore<String, ValueAndTimestamp<Long>> counts = driver.getKeyValueStore("counts");
      assertThat(counts.get("a")).isEqualTo(new ValueAndTimestamp<>(2L, 10));
    }
  }

  @Test
  void shouldGroupByANewKeyWithoutRepartitioning() {
    assertThat(values(run(b -> b.stream("in", KEYED)
                .groupBy((k, v) -> v.substring(v.length() - 1), Grouped.with(Serdes.String(), Serdes.String()))
                .count()
                .toStream()
                .mapValues((k, n) -> k + "=" + n)
                .to("out", OUT),
            "a:x", 1, "b:x", 2, "c:y", 3)))
        .containsExactly("x=1", "x=2", "y=1");
  }

  @Test
  void shouldAssignRecordsToEveryHoppingWindowAndDropLateOnes() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", KEYED)
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(5)).advanceBy(Duration.ofMillis(5)))
        .count(Materialized.as("hops"))
        .toStream()
        .map((w, n) -> KeyValue.pair(w.key(), w.window().startMs() + "-" + w.window().endMs() + "=" + n))
        .to("out", OUT);
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      TestOutputStream<String, String> out = driver.createOutputStream("out", Serdes.String());
      in.pipe("a:1", 12);
      assertThat(out.readValuesToList()).containsExactly("5-15=1", "10-20=1");
      in.pipe("a:2", 20); // stream time 20: window [5,15) closes at 15 + 5 = 20
      assertThat(out.readValuesToList()).containsExactly("15-25=1", "20-30=1");
      in.pipe("a:3", 14); // [5,15) closed, [10,20) still open until 25
      assertThat(out.readValuesToList()).containsExactly("10-20=2");
      in.pipe("a:4", 30);
      in.pipe("a:5", 19); // [10,20) closed at 25: dropped entirely
      assertThat(out.readValuesToList()).containsExactly("25-35=1", "30-40=1");
      WindowStore<String, ValueAndTimestamp<Long>> store = driver.getWindowStore("hops");
      // [10,20) expired from the store at stream time 10 + retention (size + grace = 15)
      assertThat(store.fetch("a", 10)).isNull();
      assertThat(store.fetch("a", 25).value()).isEqualTo(1L);
    }
  }

  @Test
  void shouldMergeSessionsAndRetractTheMergedOnes() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", KEYED)
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        // grace keeps [0,0] in the store (retention = gap + grace) until the bridging record
        .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(10), Duration.ofMillis(20)))
        .count(Materialized.as("sessions"))
        .toStream()
        .map((w, n) -> KeyValue.pair(w.key(), w.window().startMs() + "-" + w.window().endMs() + "=" + n))
        .to("out", OUT);
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      TestOutputStream<String, String> out = driver.createOutputStream("out", Serdes.String());
      in.pipe("a:1", 0);
      in.pipe("a:2", 20);
      in.pipe("a:3", 10); // bridges [0,0] and [20,20]
      assertThat(out.readRecordsToList())
          .containsExactly(
              new StreamRecord<>("a", "0-0=1", 0),
              new StreamRecord<>("a", "20-20=1", 20),
              new StreamRecord<>("a", "0-0=null", 0),
              new StreamRecord<>("a", "20-20=null", 20),
              new StreamRecord<>("a", "0-20=3", 20));
      SessionStore<String, Long> store = (SessionStore<String, Long>) driver.getStateStore("sessions");
      assertThat(store.fetchSession("a", 0, 20)).isEqualTo(3L);
    }
  }

  /** Final counts of 10 ms windows with 2 ms grace, as "key@windowStart=count" to "out". */
  private static StreamsBuilder suppressedWindowCounts() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", KEYED)
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(2)))
        .count()
        .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
        .toStream()
        .map((w, n) -> KeyValue.pair(w.key(), w.key() + "@" + w.window().startMs() + "=" + n))
        .to("out", OUT);
    return builder;
  }

  /** Generated names read like Kafka's: one counter value each, the store named after its operator. */
  @Test
  void shouldNameGeneratedNodesAndStoresLikeKafka() {
    StreamsBuilder builder = suppressedWindowCounts();
    TopologyDescription d = builder.build().describe();
    List<String> names = d.processors().stream().map(TopologyDescription.ProcessorNode::name).toList();
    List<String> stores =
        d.processors().stream().flatMap(p -> p.stores().stream()).distinct().toList();
    assertThat(names).allMatch(n -> n.matches("[A-Z-]+-\\d{10}"), "one counter value at the end");
    assertThat(names).anyMatch(n -> n.startsWith("KTABLE-SUPPRESS-"));
    assertThat(stores)
        .anyMatch(n -> n.matches("KSTREAM-AGGREGATE-STATE-STORE-\\d{10}"))
        .allMatch(n -> n.matches("[A-Z-]+-\\d{10}"), "one counter value at the end");
  }

  @Test
  void shouldEmitOnlyFinalWindowResultsWhenSuppressed() {
    StreamsBuilder builder = suppressedWindowCounts();
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      TestOutputStream<String, String> out = driver.createOutputStream("out", Serdes.String());
      in.pipe("b:1", 1);
      in.pipe("a:2", 5);
      in.pipe("a:3", 11);
      assertThat(out.isEmpty()).isTrue();
      in.pipe("a:4", 12); // closes [0,10) at 10 + 2; ties ordered by key
      assertThat(out.readValuesToList()).containsExactly("a@0=1", "b@0=1");
    }
  }

  @Test
  void shouldJoinAStreamWithTheLatestTableValue() {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, String> names =
        builder.table("names", KEYED, Materialized.with(Serdes.String(), Serdes.String()));
    KStream<String, String> events = builder.stream("in", KEYED);
    events.join(names, (e, n) -> e + " by " + n).to("out", OUT);
    events.leftJoin(names, (e, n) -> e + " left " + n).to("out", OUT);
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      TestInputStream<String> table = driver.createInputStream("names", Serdes.String());
      TestOutputStream<String, String> out = driver.createOutputStream("out", Serdes.String());
      in.pipe("a:e1", 1);
      table.pipe("a:Ann", 2);
      in.pipe("a:e2", 3);
      table.pipe("a:Anna", 4);
      in.pipe("a:e3", 5);
      assertThat(out.readValuesToList())
          .containsExactly(
              "a:e1 left null", "a:e2 by a:Ann", "a:e2 left a:Ann", "a:e3 by a:Anna", "a:e3 left a:Anna");
    }
  }

  @Test
  void shouldTurnAStreamIntoATableWhoseUpdatesFlowDownstream() {
    assertThat(values(run(b -> b.stream("in", KEYED)
                .toTable(Materialized.with(Serdes.String(), Serdes.String()))
                .toStream()
                .to("out", OUT),
            "a:1", 1, "a:2", 2)))
        .containsExactly("a:1", "a:2");
  }

  @Test
  void shouldFailFastWhenAStoreHasNoKeySerde() {
    StreamsBuilder builder = new StreamsBuilder();
    KGroupedStream<String, String> grouped = builder.stream("in", KEYED).groupByKey();
    assertThatThrownBy(grouped::count)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a key serde");
  }

  @Test
  void shouldRejectSuppressOnANonWindowedTable() {
    StreamsBuilder builder = new StreamsBuilder();
    KTable<String, Long> counts =
        builder.stream("in", KEYED).groupByKey(Grouped.with(Serdes.String(), Serdes.String())).count();
    @SuppressWarnings({"unchecked", "rawtypes"})
    Suppressed<String> untyped = (Suppressed) Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded());
    // the type system already rejects this; a raw cast shows the runtime check
    assertThatThrownBy(() -> counts.suppress(untyped))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldRejectDslCallsAfterBuild() {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, String> s = builder.stream("in", KEYED);
    builder.build();
    assertThatThrownBy(() -> s.filter((k, v) -> true)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldNameNodesLikeKafkaInTheDescription() {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in", KEYED).filter((k, v) -> true).to("out", OUT);
    assertThat(builder.build().describe().toString())
        .contains("KSTREAM-SOURCE-0000000000", "KSTREAM-FILTER-0000000001", "KSTREAM-SINK-0000000002");
  }
}
