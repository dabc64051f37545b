package coursepulse.engine.internal;

import coursepulse.engine.ProcessorSupplier;
import coursepulse.engine.Serde;
import coursepulse.engine.StoreBuilder;
import coursepulse.engine.TimestampExtractor;
import java.util.List;
import java.util.function.Function;

/**
 * A validated, immutable snapshot of a topology that tasks are built from. Nodes appear in the
 * order they were added, which is a topological order because parents must exist before children.
 *
 * @param sources sources in addition order
 * @param processors processors in addition order
 * @param sinks sinks in addition order
 * @param stores stores with the processors they are connected to
 */
public record TopologyGraph(
    List<Source> sources, List<ProcessorDef> processors, List<Sink> sinks, List<StoreDef> stores) {

  /** A source node. */
  public record Source(
      String name,
      String stream,
      Serde<Object> valueSerde,
      Function<Object, Object> keyExtractor,
      TimestampExtractor<Object> timestampExtractor,
      List<String> children) {}

  /** A processor node. */
  public record ProcessorDef(
      String name,
      ProcessorSupplier<Object, Object, Object, Object> supplier,
      List<String> parents,
      List<String> children,
      List<String> stores) {}

  /** A sink node. */
  public record Sink(String name, String stream, Serde<Object> valueSerde, List<String> parents) {}

  /** A store and the processors that may use it. */
  public record StoreDef(StoreBuilder<?> builder, List<String> processors) {}

  /** Source streams in source order. */
  public List<String> sourceStreams() {
    return sources.stream().map(Source::stream).toList();
  }

  /** Distinct sink streams in sink order. */
  public List<String> sinkStreams() {
    return sinks.stream().map(Sink::stream).distinct().toList();
  }
}
