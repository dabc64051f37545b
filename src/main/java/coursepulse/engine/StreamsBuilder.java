package coursepulse.engine;

import coursepulse.engine.internal.dsl.InternalStreamsBuilder;
import java.util.Objects;

/**
 * Builds a {@link Topology} with the high-level DSL ({@link KStream}, {@link KTable}, grouping,
 * windowing, joins), like Kafka Streams' {@code StreamsBuilder}. Each DSL call adds processors and
 * stores at once; {@link #build()} hands over the topology, to run with {@link StreamEngine} or
 * {@link TestDriver}.
 *
 * <pre>{@code
 * StreamsBuilder builder = new StreamsBuilder();
 * builder.stream("03-Activity", Consumed.<String, String>with(Serdes.String())
 *         .withKeyExtractor(v -> v.substring(0, v.indexOf(':'))))
 *     .groupByKey(Grouped.with(Serdes.String(), Serdes.String()))
 *     .windowedBy(TimeWindows.ofSizeAndGrace(Duration.ofDays(1), Duration.ofHours(1)))
 *     .count(Materialized.as("daily-counts"))
 *     .suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
 *     .toStream()
 *     .map((window, count) -> KeyValue.pair(window.key(), window.key() + "=" + count))
 *     .to("04-Alerts", Produced.with(Serdes.String()));
 * Topology topology = builder.build();
 * }</pre>
 *
 * <p>Semantics follow Kafka Streams with record caching disabled: every table update is emitted
 * downstream at once. There is no repartitioning: one task reads every source stream in event-time
 * order, so {@code groupBy} only re-keys. Stores made by the DSL need serdes for their keys and
 * values (from {@link Grouped}, {@link Materialized} or the source's {@link Consumed}); a missing
 * serde fails the DSL call. Not thread-safe; single use.
 */
public final class StreamsBuilder {

  private final InternalStreamsBuilder internal = new InternalStreamsBuilder();

  /** An empty builder. */
  public StreamsBuilder() {}

  /**
   * A stream of the records of {@code stream}.
   *
   * @throws IllegalArgumentException when {@code stream} is already read by this builder
   */
  public <K, V> KStream<K, V> stream(String stream, Consumed<K, V> consumed) {
    return internal.stream(
        Objects.requireNonNull(stream, "stream"), Objects.requireNonNull(consumed, "consumed"));
  }

  /**
   * A table of the latest value per key of {@code stream}, in a store of a generated name; the
   * key serde must come from {@link #table(String, Consumed, Materialized)} when the store needs
   * it, so prefer that overload.
   */
  public <K, V> KTable<K, V> table(String stream, Consumed<K, V> consumed) {
    return table(stream, consumed, Materialized.with(null, null));
  }

  /**
   * A table of the latest value per key of {@code stream}, materialized as given: every record
   * updates its key (a {@code null} value deletes it) and is emitted as an update; records with a
   * {@code null} key are dropped.
   */
  public <K, V> KTable<K, V> table(
      String stream, Consumed<K, V> consumed, Materialized<K, V> materialized) {
    return internal.table(
        Objects.requireNonNull(stream, "stream"),
        Objects.requireNonNull(consumed, "consumed"),
        Objects.requireNonNull(materialized, "materialized"));
  }

  /**
   * Adds a state store that {@link KStream#process} calls can connect to by name.
   *
   * @return this
   */
  public StreamsBuilder addStateStore(StoreBuilder<?> storeBuilder) {
    internal.addStateStore(storeBuilder);
    return this;
  }

  /**
   * The topology built so far. Call once; DSL calls after it throw {@link IllegalStateException}.
   */
  public Topology build() {
    return internal.build();
  }
}
