package coursepulse.engine;

import coursepulse.engine.internal.TopologyGraph;

/** Test-only bridge to the package-private topology snapshot. */
public final class TopologyAccess {
  private TopologyAccess() {}

  public static TopologyGraph graph(Topology t) {
    return t.graph();
  }
}
