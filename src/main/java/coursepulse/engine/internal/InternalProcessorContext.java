package coursepulse.engine.internal;

import coursepulse.engine.ProcessorContext;

/**
 * What engine-provided processors (the DSL's) may see beyond the public context: the current node
 * and a hook to count dropped records. Every context the engine hands out implements this.
 */
public interface InternalProcessorContext<KOut, VOut> extends ProcessorContext<KOut, VOut> {

  /** The name of the node whose code runs now. */
  String currentNodeName();

  /**
   * Counts a record the node dropped on purpose, such as a record later than its window's grace.
   *
   * @param reason a short, bounded metric tag value, such as {@code late} or {@code null-key}
   */
  void recordDropped(String reason);
}
