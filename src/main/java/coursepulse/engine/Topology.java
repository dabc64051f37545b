package coursepulse.engine;

import coursepulse.engine.internal.TopologyGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A graph of sources (read a stream), processors (handle records, may use state stores) and sinks
 * (write a stream), like Kafka Streams' {@code Topology}. Build it once, then run it with {@link
 * StreamEngine} or {@link TestDriver}; every run makes fresh processor and store instances.
 *
 * <pre>{@code
 * Topology topology = new Topology()
 *     .addSource("logins", "02-Login", Consumed.<String, Login>with(loginSerde)
 *         .withKeyExtractor(Login::userId)
 *         .withTimestampExtractor((login, logTs) -> login.epochMillis()))
 *     .addProcessor("count", CountProcessor::new, "logins")
 *     .addStateStore(Stores.keyValueStoreBuilder("counts", Serdes.String(), Serdes.Long()), "count")
 *     .addSink("out", "04-Alerts", Produced.with(alertSerde), "count");
 * }</pre>
 *
 * <p>Rules, checked as nodes are added (each violation throws {@link IllegalArgumentException} with
 * a message naming the node): node names are unique; a parent must be added before its children
 * and must be a source or processor; each stream is read by at most one source; store names are
 * unique; a store is connected only to existing processors. Checked when a runner is built: at
 * least one source, and every store connected to at least one processor.
 *
 * <p>The order in which sources are added breaks ties when records of several inputs carry the
 * same timestamp. Not thread-safe while being built.
 */
public final class Topology {

  private final Map<String, Node> nodes = new LinkedHashMap<>();
  private final Map<String, StoreEntry> stores = new LinkedHashMap<>();
  private final Map<String, String> sourceByStream = new LinkedHashMap<>();

  /** An empty topology. */
  public Topology() {}

  /**
   * Adds a source reading {@code stream}.
   *
   * @param name node name, unique among all nodes
   * @param stream stream to read
   * @param consumed serde, key and timestamp extraction
   * @return this
   * @throws IllegalArgumentException on a duplicate name or a stream read by another source
   */
  public <K, V> Topology addSource(String name, String stream, Consumed<K, V> consumed) {
    checkNewName(name);
    requireText(stream, "stream of source '" + name + "'");
    Objects.requireNonNull(consumed, "consumed");
    String other = sourceByStream.get(stream);
    if (other != null) {
      throw new IllegalArgumentException(
          "stream '" + stream + "' is already read by source '" + other
              + "': a stream can feed only one source; add children to '" + other + "' instead");
    }
    sourceByStream.put(stream, name);
    nodes.put(name, new SourceNode(name, stream, consumed));
    return this;
  }

  /**
   * Adds a processor whose input is the output of {@code parentNames}.
   *
   * @param name node name, unique among all nodes
   * @param supplier makes one processor per task; must return a new instance each call
   * @param parentNames at least one existing source or processor
   * @return this
   * @throws IllegalArgumentException on a duplicate name, no parent, or an unknown parent or a sink
   *     as parent
   */
  public <KIn, VIn, KOut, VOut> Topology addProcessor(
      String name, ProcessorSupplier<KIn, VIn, KOut, VOut> supplier, String... parentNames) {
    checkNewName(name);
    Objects.requireNonNull(supplier, "supplier of processor '" + name + "'");
    List<String> parents = checkParents("processor", name, parentNames);
    ProcessorNode node = new ProcessorNode(name, supplier, parents);
    linkParents(name, parents);
    nodes.put(name, node);
    return this;
  }

  /**
   * Adds a sink writing the output of {@code parentNames} to {@code stream}.
   *
   * @param name node name, unique among all nodes
   * @param stream stream to write
   * @param produced value serde
   * @param parentNames at least one existing source or processor
   * @return this
   * @throws IllegalArgumentException on a duplicate name, no parent, or an unknown parent or a sink
   *     as parent
   */
  public <K, V> Topology addSink(
      String name, String stream, Produced<K, V> produced, String... parentNames) {
    checkNewName(name);
    requireText(stream, "stream of sink '" + name + "'");
    Objects.requireNonNull(produced, "produced");
    List<String> parents = checkParents("sink", name, parentNames);
    linkParents(name, parents);
    nodes.put(name, new SinkNode(name, stream, produced, parents));
    return this;
  }

  /**
   * Moves every key-value store added with {@link Stores#keyValueStoreBuilder} to the heap, as if
   * it had been added with {@link Stores#heapKeyValueStoreBuilder}: the same stores, checkpoints
   * and iteration order, without serialization on access. For processors that never change a
   * value they got from a store without putting it back (a heap store would keep that change).
   * Stores keyed by byte arrays stay as they are.
   *
   * @return this
   */
  public Topology keyValueStoresOnHeap() {
    for (Map.Entry<String, StoreEntry> e : stores.entrySet()) {
      if (e.getValue().builder instanceof Stores.KeyValueSpec<?, ?> spec) {
        e.getValue().builder = spec.heapIfPossible();
      }
    }
    return this;
  }

  /**
   * Adds a state store and connects it to {@code processorNames} (may be empty: connect later with
   * {@link #connectProcessorAndStateStores}).
   *
   * @return this
   * @throws IllegalArgumentException on a duplicate store name or an unknown processor
   */
  public Topology addStateStore(StoreBuilder<?> storeBuilder, String... processorNames) {
    Objects.requireNonNull(storeBuilder, "storeBuilder");
    String storeName = storeBuilder.name();
    requireText(storeName, "store name");
    if (stores.containsKey(storeName)) {
      throw new IllegalArgumentException("store '" + storeName + "' is already added");
    }
    stores.put(storeName, new StoreEntry(storeBuilder));
    connectProcessorAndStateStores(processorNames, storeName);
    return this;
  }

  /**
   * Lets processor {@code processorName} use the named stores.
   *
   * @return this
   * @throws IllegalArgumentException when the processor or a store is unknown
   */
  public Topology connectProcessorAndStateStores(String processorName, String... storeNames) {
    ProcessorNode processor = processor(processorName);
    for (String storeName : storeNames) {
      StoreEntry store = stores.get(storeName);
      if (store == null) {
        throw new IllegalArgumentException(
            "cannot connect processor '" + processorName + "' to store '" + storeName
                + "': no such store; add it with addStateStore first (stores: " + stores.keySet()
                + ")");
      }
      store.processors.add(processorName);
      processor.stores.add(storeName);
    }
    return this;
  }

  /** Describes the graph; {@code toString()} of the result prints it. */
  public TopologyDescription describe() {
    List<TopologyDescription.SourceNode> sources = new ArrayList<>();
    List<TopologyDescription.ProcessorNode> processors = new ArrayList<>();
    List<TopologyDescription.SinkNode> sinks = new ArrayList<>();
    for (Node n : nodes.values()) {
      if (n instanceof SourceNode s) {
        sources.add(new TopologyDescription.SourceNode(s.name, s.stream, s.children));
      } else if (n instanceof ProcessorNode p) {
        processors.add(
            new TopologyDescription.ProcessorNode(
                p.name, new ArrayList<>(p.stores), p.parents, p.children));
      } else if (n instanceof SinkNode s) {
        sinks.add(new TopologyDescription.SinkNode(s.name, s.stream, s.parents));
      }
    }
    return new TopologyDescription(sources, processors, sinks);
  }

  @Override
  public String toString() {
    return describe().toString();
  }

  /**
   * Validates the whole graph and snapshots it for a runner.
   *
   * @throws IllegalArgumentException when the topology has no source or a store is not connected
   */
  @SuppressWarnings("unchecked")
  TopologyGraph graph() {
    List<TopologyGraph.Source> sources = new ArrayList<>();
    List<TopologyGraph.ProcessorDef> processors = new ArrayList<>();
    List<TopologyGraph.Sink> sinks = new ArrayList<>();
    for (Node n : nodes.values()) {
      if (n instanceof SourceNode s) {
        sources.add(
            new TopologyGraph.Source(
                s.name,
                s.stream,
                (Serde<Object>) s.consumed.valueSerde(),
                (Function<Object, Object>) s.consumed.keyExtractor(),
                (TimestampExtractor<Object>) s.consumed.timestampExtractor(),
                List.copyOf(s.children)));
      } else if (n instanceof ProcessorNode p) {
        processors.add(
            new TopologyGraph.ProcessorDef(
                p.name,
                (ProcessorSupplier<Object, Object, Object, Object>) p.supplier,
                List.copyOf(p.parents),
                List.copyOf(p.children),
                List.copyOf(p.stores)));
      } else if (n instanceof SinkNode s) {
        sinks.add(
            new TopologyGraph.Sink(
                s.name, s.stream, (Serde<Object>) s.produced.valueSerde(), List.copyOf(s.parents)));
      }
    }
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("topology has no source: add one with addSource");
    }
    List<TopologyGraph.StoreDef> storeDefs = new ArrayList<>();
    for (Map.Entry<String, StoreEntry> e : stores.entrySet()) {
      if (e.getValue().processors.isEmpty()) {
        throw new IllegalArgumentException(
            "store '" + e.getKey() + "' is not connected to any processor: pass processor names"
                + " to addStateStore or call connectProcessorAndStateStores");
      }
      storeDefs.add(
          new TopologyGraph.StoreDef(e.getValue().builder, List.copyOf(e.getValue().processors)));
    }
    return new TopologyGraph(
        List.copyOf(sources), List.copyOf(processors), List.copyOf(sinks), List.copyOf(storeDefs));
  }

  private void connectProcessorAndStateStores(String[] processorNames, String storeName) {
    for (String p : processorNames) {
      connectProcessorAndStateStores(p, storeName);
    }
  }

  private ProcessorNode processor(String name) {
    Node n = nodes.get(name);
    if (n instanceof ProcessorNode p) {
      return p;
    }
    throw new IllegalArgumentException(
        n == null
            ? "unknown processor '" + name + "': add it with addProcessor first"
            : "node '" + name + "' is not a processor; only processors use state stores");
  }

  private void checkNewName(String name) {
    requireText(name, "node name");
    if (nodes.containsKey(name)) {
      throw new IllegalArgumentException(
          "a node named '" + name + "' already exists; node names must be unique");
    }
  }

  private List<String> checkParents(String kind, String name, String[] parentNames) {
    if (parentNames == null || parentNames.length == 0) {
      throw new IllegalArgumentException(kind + " '" + name + "' needs at least one parent");
    }
    Set<String> parents = new LinkedHashSet<>();
    for (String parent : parentNames) {
      Node p = nodes.get(parent);
      if (p == null) {
        throw new IllegalArgumentException(
            kind + " '" + name + "' has unknown parent '" + parent
                + "': add parents before their children (nodes so far: " + nodes.keySet() + ")");
      }
      if (p instanceof SinkNode) {
        throw new IllegalArgumentException(
            kind + " '" + name + "' cannot have sink '" + parent + "' as parent");
      }
      if (!parents.add(parent)) {
        throw new IllegalArgumentException(
            kind + " '" + name + "' lists parent '" + parent + "' twice");
      }
    }
    return new ArrayList<>(parents);
  }

  private void linkParents(String child, List<String> parents) {
    for (String parent : parents) {
      nodes.get(parent).children.add(child);
    }
  }

  private static void requireText(String s, String what) {
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException(what + " must not be blank");
    }
  }

  private abstract static class Node {
    final String name;
    final List<String> children = new ArrayList<>();

    Node(String name) {
      this.name = name;
    }
  }

  private static final class SourceNode extends Node {
    final String stream;
    final Consumed<?, ?> consumed;

    SourceNode(String name, String stream, Consumed<?, ?> consumed) {
      super(name);
      this.stream = stream;
      this.consumed = consumed;
    }
  }

  private static final class ProcessorNode extends Node {
    final ProcessorSupplier<?, ?, ?, ?> supplier;
    final List<String> parents;
    final Set<String> stores = new LinkedHashSet<>();

    ProcessorNode(String name, ProcessorSupplier<?, ?, ?, ?> supplier, List<String> parents) {
      super(name);
      this.supplier = supplier;
      this.parents = parents;
    }
  }

  private static final class SinkNode extends Node {
    final String stream;
    final Produced<?, ?> produced;
    final List<String> parents;

    SinkNode(String name, String stream, Produced<?, ?> produced, List<String> parents) {
      super(name);
      this.stream = stream;
      this.produced = produced;
      this.parents = parents;
    }
  }

  private static final class StoreEntry {
    StoreBuilder<?> builder;
    final Set<String> processors = new LinkedHashSet<>();

    StoreEntry(StoreBuilder<?> builder) {
      this.builder = builder;
    }
  }
}
