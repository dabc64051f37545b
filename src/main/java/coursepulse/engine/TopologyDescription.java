package coursepulse.engine;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A read-only description of a {@link Topology}, from {@link Topology#describe()}. {@link
 * #toString()} prints it in a form close to Kafka Streams':
 *
 * <pre>
 * Topology:
 *   Source: logins (stream: 02-Login)
 *     --&gt; count
 *   Processor: count (stores: [counts])
 *     --&gt; alerts
 *     &lt;-- logins
 *   Sink: alerts (stream: 04-Alerts)
 *     &lt;-- count
 * </pre>
 *
 * @param sources sources in the order they were added (that order breaks timestamp ties)
 * @param processors processors in the order they were added
 * @param sinks sinks in the order they were added
 */
public record TopologyDescription(
    List<SourceNode> sources, List<ProcessorNode> processors, List<SinkNode> sinks) {

  /** Makes an immutable copy. */
  public TopologyDescription {
    sources = List.copyOf(sources);
    processors = List.copyOf(processors);
    sinks = List.copyOf(sinks);
  }

  /**
   * A source node.
   *
   * @param name node name
   * @param stream the stream it reads
   * @param children names of its children
   */
  public record SourceNode(String name, String stream, List<String> children) {
    /** Makes an immutable copy. */
    public SourceNode {
      children = List.copyOf(children);
    }
  }

  /**
   * A processor node.
   *
   * @param name node name
   * @param stores names of the state stores connected to it
   * @param parents names of its parents
   * @param children names of its children
   */
  public record ProcessorNode(
      String name, List<String> stores, List<String> parents, List<String> children) {
    /** Makes an immutable copy. */
    public ProcessorNode {
      stores = List.copyOf(stores);
      parents = List.copyOf(parents);
      children = List.copyOf(children);
    }
  }

  /**
   * A sink node.
   *
   * @param name node name
   * @param stream the stream it writes
   * @param parents names of its parents
   */
  public record SinkNode(String name, String stream, List<String> parents) {
    /** Makes an immutable copy. */
    public SinkNode {
      parents = List.copyOf(parents);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Topology:\n");
    for (SourceNode s : sources) {
      sb.append("  Source: ").append(s.name()).append(" (stream: ").append(s.stream()).append(")\n");
      arrows(sb, "-->", s.children());
    }
    for (ProcessorNode p : processors) {
      sb.append("  Processor: ").append(p.name()).append(" (stores: ").append(p.stores())
          .append(")\n");
      arrows(sb, "-->", p.children());
      arrows(sb, "<--", p.parents());
    }
    for (SinkNode s : sinks) {
      sb.append("  Sink: ").append(s.name()).append(" (stream: ").append(s.stream()).append(")\n");
      arrows(sb, "<--", s.parents());
    }
    return sb.toString();
  }

  private static void arrows(StringBuilder sb, String arrow, List<String> names) {
    sb.append("    ").append(arrow).append(' ')
        .append(names.isEmpty() ? "none" : names.stream().collect(Collectors.joining(", ")))
        .append('\n');
  }
}
