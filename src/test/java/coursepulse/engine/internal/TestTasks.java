package coursepulse.engine.internal;

import coursepulse.engine.DeserializationExceptionHandler;
import coursepulse.engine.Topology;
import coursepulse.engine.TopologyAccess;

/** Tasks for tests that drive a {@link StreamTask} by hand: outputs discarded, clock at 0. */
final class TestTasks {
  private TestTasks() {}

  /** An initialised task of {@code topology}, writing nothing anywhere. */
  static StreamTask initialised(Topology topology) {
    TopologyGraph graph = TopologyAccess.graph(topology);
    StreamTask task =
        new StreamTask(
            graph, "app", () -> 0L,
            new RecordCollector() {
              @Override
              public void send(String stream, Object key, byte[] value, long timestamp) {}

              @Override
              public void sendDeadLetter(String s, long o, byte[] d, long ts) {}
            },
            DeserializationExceptionHandler.logAndContinue(),
            new TaskMetrics(null, graph.sourceStreams()));
    task.init();
    return task;
  }
}
