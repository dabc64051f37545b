package coursepulse.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.test.TestRecord;

/**
 * The Kafka Streams side of {@link DslDifferentialTest}: the same topologies written with Kafka's
 * DSL, run on its {@code TopologyTestDriver} with record caching disabled.
 */
final class KafkaReference {

  private KafkaReference() {}

  static {
    quietLogging();
  }

  /**
   * Without a logback configuration everything logs at DEBUG, which makes Kafka's driver many times
   * slower; set here rather than in a shared logback-test.xml.
   */
  static void quietLogging() {
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.apache.kafka"))
        .setLevel(ch.qos.logback.classic.Level.ERROR);
  }

  /** Kafka's configuration with record caching off and a state directory of its own. */
  static Properties config(java.nio.file.Path stateDir) {
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "differential");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    // In-memory stores: the test driver commits after every record, and RocksDB would flush (and
    // fsync) each time, which made the reference, not our engine, the slow part of the suite.
    p.put(
        StreamsConfig.DSL_STORE_SUPPLIERS_CLASS_CONFIG,
        org.apache.kafka.streams.state.BuiltInDslStoreSuppliers.InMemoryDslStoreSuppliers.class);
    // a private state directory: /tmp/kafka-streams is shared with other test runs on the machine
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    p.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
    return p;
  }

  /** Runs {@code topology} over the inputs and returns the output as {@code value@timestamp}. */
  static List<String> run(Consumer<StreamsBuilder> topology, List<DslDifferentialTest.Input> inputs) {
    StreamsBuilder builder = new StreamsBuilder();
    topology.accept(builder);
    java.nio.file.Path stateDir = newStateDir();
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), config(stateDir))) {
      TestInputTopic<String, String> in =
          driver.createInputTopic("in", Serdes.String().serializer(), Serdes.String().serializer());
      TestInputTopic<String, String> table =
          inputs.stream().anyMatch(i -> i.stream().equals("table"))
              ? driver.createInputTopic("table", Serdes.String().serializer(), Serdes.String().serializer())
              : null;
      for (DslDifferentialTest.Input i : inputs) {
        (i.stream().equals("in") ? in : table).pipeInput(i.key(), i.value(), i.timestamp());
      }
      TestOutputTopic<String, String> out =
          driver.createOutputTopic("out", Serdes.String().deserializer(), Serdes.String().deserializer());
      List<String> result = new ArrayList<>();
      for (TestRecord<String, String> r : out.readRecordsToList()) {
        result.add(r.value() + "@" + r.timestamp());
      }
      return result;
    } finally {
      deleteRecursively(stateDir);
    }
  }

  static java.nio.file.Path newStateDir() {
    try {
      return java.nio.file.Files.createTempDirectory("kafka-ref");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static void deleteRecursively(java.nio.file.Path dir) {
    try (java.util.stream.Stream<java.nio.file.Path> paths = java.nio.file.Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static KGroupedStream<String, String> grouped(StreamsBuilder b) {
    return b.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()));
  }

  private static <V> void emitWindowed(KTable<Windowed<String>, V> table, boolean suppress) {
    KTable<Windowed<String>, V> t =
        suppress ? table.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())) : table;
    t.toStream()
        .map((w, v) -> KeyValue.pair(w.key(), w.key() + "@[" + w.window().start() + "," + w.window().end() + "]=" + v))
        .to("out", Produced.with(Serdes.String(), Serdes.String()));
  }

  static Consumer<StreamsBuilder> timeWindowCount(long size, long advance, long grace, boolean suppress) {
    return b ->
        emitWindowed(
            grouped(b)
                .windowedBy(
                    TimeWindows.ofSizeAndGrace(Duration.ofMillis(size), Duration.ofMillis(grace))
                        .advanceBy(Duration.ofMillis(advance)))
                .count(Materialized.with(Serdes.String(), Serdes.Long())),
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
                    (k, v, agg) -> agg + "," + DslDifferentialTest.payload(v),
                    Materialized.with(Serdes.String(), Serdes.String())),
            suppress);
  }

  static Consumer<StreamsBuilder> sessionCount(long gap, long grace, boolean suppress) {
    return b ->
        emitWindowed(
            grouped(b)
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(gap), Duration.ofMillis(grace)))
                .count(Materialized.with(Serdes.String(), Serdes.Long())),
            suppress);
  }

  static Consumer<StreamsBuilder> sessionAggregate(long gap, long grace, boolean suppress) {
    return b ->
        emitWindowed(
            grouped(b)
                .windowedBy(SessionWindows.ofInactivityGapAndGrace(Duration.ofMillis(gap), Duration.ofMillis(grace)))
                .aggregate(
                    () -> "",
                    (k, v, agg) -> agg + "," + DslDifferentialTest.payload(v),
                    (k, a1, a2) -> a1 + "|" + a2,
                    Materialized.with(Serdes.String(), Serdes.String())),
            suppress);
  }

  static Consumer<StreamsBuilder> countAndReduce() {
    return b -> {
      KGroupedStream<String, String> g = grouped(b);
      g.count(Materialized.with(Serdes.String(), Serdes.Long()))
          .toStream()
          .map((k, v) -> KeyValue.pair(k, k + "#count=" + v))
          .to("out", Produced.with(Serdes.String(), Serdes.String()));
    };
  }

  static Consumer<StreamsBuilder> streamTableJoin(boolean left) {
    return b -> {
      KTable<String, String> table =
          b.stream("table", Consumed.with(Serdes.String(), Serdes.String()))
              .mapValues(v -> v.endsWith(":DEL") ? null : DslDifferentialTest.payload(v))
              .toTable(Materialized.with(Serdes.String(), Serdes.String()));
      KStream<String, String> stream = b.stream("in", Consumed.with(Serdes.String(), Serdes.String()));
      KStream<String, String> joined =
          left
              ? stream.leftJoin(table, (v, t) -> DslDifferentialTest.payload(v) + "+" + t)
              : stream.join(table, (v, t) -> DslDifferentialTest.payload(v) + "+" + t);
      joined
          .map((k, v) -> KeyValue.pair(k, k + "|" + v))
          .to("out", Produced.with(Serdes.String(), Serdes.String()));
    };
  }
}
