package coursepulse.lms.event;

import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Decoding one simulated event (the mix of the three streams): the streaming path {@link
 * EventCodec#decode} takes, against the tree + data-binding path it replaced.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class EventDecodeBenchmark {
  private byte[][] events;
  private int next;

  @Setup
  public void setUp() {
    List<byte[]> out = new ArrayList<>();
    SimulationRun run = new Simulation(SimulationConfig.defaults().withStudents(200)).run();
    for (SimEvent e = run.next(); e != null && out.size() < 4096; e = run.next()) {
      out.add(e.toJson());
    }
    events = out.toArray(new byte[0][]);
  }

  private byte[] nextEvent() {
    byte[] e = events[next];
    next = (next + 1) & (events.length - 1);
    return e;
  }

  @Benchmark
  public LmsEvent streaming() {
    return EventCodec.decode(nextEvent());
  }

  @Benchmark
  public LmsEvent treeAndDataBinding() {
    return EventCodec.decodeWithTree(nextEvent());
  }
}
