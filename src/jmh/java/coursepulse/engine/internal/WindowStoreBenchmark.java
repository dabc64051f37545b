package coursepulse.engine.internal;

import coursepulse.engine.Serdes;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** A windowed count update (fetch, add one, put) over {@code keys} keys in a one-day window. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WindowStoreBenchmark {
  private static final long DAY = 86_400_000L;

  @Param({"10000"})
  int keys;

  private InMemoryWindowStore<String, Long> store;
  private String[] names;
  private int next;

  @Setup
  public void setUp() {
    store = new InMemoryWindowStore<>("counts", 2 * DAY, DAY, Serdes.String(), Serdes.Long());
    names = new String[keys];
    for (int i = 0; i < keys; i++) {
      names[i] = "s-" + i;
      store.put(names[i], 1L, 0);
    }
  }

  @Benchmark
  public void update() {
    next = (next + 1) % keys;
    Long old = store.fetch(names[next], 0);
    store.put(names[next], old == null ? 1 : old + 1, 0);
  }
}
