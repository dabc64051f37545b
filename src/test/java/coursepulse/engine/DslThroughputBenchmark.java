package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes.StringSerde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;

/**
 * Records/s of {@code stream -> groupByKey -> windowedBy(1-day tumbling) -> count} on our {@link
 * TestDriver} and on Kafka's {@code TopologyTestDriver} (RocksDB stores, cache disabled), same
 * input. Not a {@code *Test}, so Surefire skips it by default; run with {@code mvn -o -q test
 * -Dtest=DslThroughputBenchmark -Dbench.records=500000}, or without Surefire through {@link
 * #main}.
 */
class DslThroughputBenchmark {

  /** Runs the measurement outside JUnit: {@code java -cp <test classpath> ... DslThroughputBenchmark}. */
  public static void main(String[] args) {
    new DslThroughputBenchmark().measureWindowedCountThroughput();
  }

  private static final int KEYS = 10_000;
  private static final long DAY = Duration.ofDays(1).toMillis();

  @Test
  void measureWindowedCountThroughput() {
    KafkaReference.quietLogging();
    int n = Integer.getInteger("bench.records", 300_000);
    String[] values = new String[n];
    for (int i = 0; i < n; i++) {
      values[i] = "k" + (i * 7919 % KEYS) + ":" + i;
    }
    // Kafka's driver commits (and flushes RocksDB) after every record, so it gets fewer records
    int kafkaRecords = Math.min(n, Integer.getInteger("bench.kafkaRecords", 5_000));
    String[] kafkaValues = java.util.Arrays.copyOf(values, kafkaRecords);
    for (int round = 0; round < 2; round++) { // the first round warms up the JIT
      double ours = ours(values);
      double kafkaInMemory = kafka(kafkaValues, true);
      double kafkaRocks = kafka(kafkaValues, false);
      System.out.printf(
          "round %d: coursepulse TestDriver %.0f records/s (%d records); Kafka TopologyTestDriver"
              + " in-memory store %.0f records/s, RocksDB store %.0f records/s (%d records)%n",
          round, ours, n, kafkaInMemory, kafkaRocks, kafkaRecords);
    }
  }

  private static long timestamp(int i) {
    return i * 60_000L; // one record a minute: ~1,440 per day window
  }

  private static double ours(String[] values) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(
            "in",
            Consumed.<String, String>with(Serdes.String())
                .withKeyExtractor(v -> v.substring(0, v.indexOf(':'))))
        .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
        .windowedBy(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(DAY)))
        .count(Materialized.as("counts"));
    try (TestDriver driver = new TestDriver(builder.build())) {
      TestInputStream<String> in = driver.createInputStream("in", Serdes.String());
      long start = System.nanoTime();
      for (int i = 0; i < values.length; i++) {
        in.pipe(values[i], timestamp(i));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      assertThat(driver.getWindowStore("counts").approximateNumEntries()).isPositive();
      return values.length / seconds;
    }
  }

  private static double kafka(String[] values, boolean inMemory) {
    org.apache.kafka.streams.StreamsBuilder builder = new org.apache.kafka.streams.StreamsBuilder();
    builder.<String, String>stream("in")
        .groupByKey()
        .windowedBy(org.apache.kafka.streams.kstream.TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(DAY)))
        .count(
            inMemory
                ? org.apache.kafka.streams.kstream.Materialized.as(
                    org.apache.kafka.streams.state.Stores.inMemoryWindowStore(
                        "counts", Duration.ofMillis(DAY), Duration.ofMillis(DAY), false))
                : org.apache.kafka.streams.kstream.Materialized.as("counts"));
    java.nio.file.Path stateDir = KafkaReference.newStateDir();
    Properties p = KafkaReference.config(stateDir);
    p.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, StringSerde.class);
    try (TopologyTestDriver driver = new TopologyTestDriver(builder.build(), p)) {
      TestInputTopic<String, String> in =
          driver.createInputTopic(
              "in",
              new org.apache.kafka.common.serialization.StringSerializer(),
              new org.apache.kafka.common.serialization.StringSerializer());
      long start = System.nanoTime();
      for (int i = 0; i < values.length; i++) {
        String v = values[i];
        in.pipeInput(v.substring(0, v.indexOf(':')), v, timestamp(i));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      return values.length / seconds;
    } finally {
      KafkaReference.deleteRecursively(stateDir);
    }
  }
}
