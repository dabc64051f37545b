package coursepulse.engine.internal;

import coursepulse.engine.Consumed;
import coursepulse.engine.DeserializationExceptionHandler;
import coursepulse.engine.Processor;
import coursepulse.engine.Serdes;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.Topology;
import coursepulse.engine.TopologyAccess;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The task's event-time merge of three inputs: queue 3 x 1,000 records with interleaved
 * timestamps (8-byte bodies, log timestamp as event time) and process them all through a no-op
 * processor. Reported per record: queueing, deserializing the body, picking the earliest head,
 * dispatching.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class TimestampMergeBenchmark {
  private static final int PER_SOURCE = 1_000;

  private StreamTask task;
  private long offset;
  private long time;
  private final byte[] body = new byte[8];

  @Setup
  public void setUp() {
    Topology t = new Topology();
    for (String s : List.of("A", "B", "C")) {
      t.addSource(s, s, Consumed.with(Serdes.ByteArray()));
    }
    t.addProcessor("sink", () -> new Processor<Object, byte[], Object, Object>() {
      @Override
      public void process(StreamRecord<Object, byte[]> record) {}
    }, "A", "B", "C");
    task =
        new StreamTask(
            TopologyAccess.graph(t),
            "bench",
            () -> 0L,
            new RecordCollector() {
              @Override
              public void send(String stream, Object key, byte[] value, long timestamp) {}

              @Override
              public void sendDeadLetter(String s, long o, byte[] d, long ts) {}
            },
            DeserializationExceptionHandler.logAndContinue(),
            new TaskMetrics(null, List.of("A", "B", "C")));
    task.init();
  }

  @Benchmark
  @OperationsPerInvocation(3 * PER_SOURCE)
  public void queueAndMerge() {
    for (int i = 0; i < PER_SOURCE; i++) {
      long o = offset++;
      task.addRecord(0, o, time + 3 * i, body);
      task.addRecord(1, o, time + 3 * i + 1, body);
      task.addRecord(2, o, time + 3 * i + 2, body);
    }
    time += 3 * PER_SOURCE;
    while (task.anyBuffered()) {
      task.process();
    }
  }
}
