package coursepulse.engine.internal;

import coursepulse.engine.KeyValue;
import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The key-value store as the alerting application's timer index uses it: {@code entries} keys
 * shaped like {@code zero-padded-due␁kind␁student␁course}; drain the 100 earliest (a punctuation),
 * look one up, rewrite one. {@code sortingHashMapRange} is the previous store's range (filter
 * and sort a hash map on every call), for comparison.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KeyValueStoreBenchmark {
  private static final Serde<String> STRING = Serdes.String();

  @Param({"100000"})
  int entries;

  private InMemoryKeyValueStore<String, byte[]> store;
  private HashMap<Bytes, byte[]> hashMap;
  private String[] keys;
  private String upTo;
  private byte[] value;
  private int next;

  @Setup
  public void setUp() {
    store = new InMemoryKeyValueStore<>("timers", STRING, Serdes.ByteArray());
    hashMap = new HashMap<>();
    keys = new String[entries];
    value = new byte[40];
    for (int i = 0; i < entries; i++) {
      long due = 1_790_000_000_000L + (long) i * 7_919 % entries * 60_000L;
      keys[i] = String.format("%013d\u0001N\u0001s-%07d\u0001c-%03d", due, i, i % 20);
      store.put(keys[i], value);
      hashMap.put(Bytes.wrap(keys[i].getBytes(StandardCharsets.UTF_8)), value);
    }
    upTo = String.format("%013d\u0002", 1_790_000_000_000L + 99 * 60_000L);
  }

  @Benchmark
  public void rangeFirst100(Blackhole bh) {
    for (Iterator<KeyValue<String, byte[]>> it = store.range(null, upTo); it.hasNext(); ) {
      bh.consume(it.next());
    }
  }

  @Benchmark
  public void sortingHashMapRange(Blackhole bh) {
    Bytes hi = Bytes.wrap(upTo.getBytes(StandardCharsets.UTF_8));
    List<Map.Entry<Bytes, byte[]>> found = new ArrayList<>();
    for (Map.Entry<Bytes, byte[]> e : hashMap.entrySet()) {
      if (e.getKey().compareTo(hi) <= 0) {
        found.add(e);
      }
    }
    found.sort(Map.Entry.comparingByKey());
    for (Map.Entry<Bytes, byte[]> e : found) {
      bh.consume(KeyValue.pair(new String(e.getKey().get(), StandardCharsets.UTF_8), e.getValue()));
    }
  }

  @Benchmark
  public byte[] get() {
    next = (next + 1) % entries;
    return store.get(keys[next]);
  }

  @Benchmark
  public void putSameLength() {
    next = (next + 1) % entries;
    store.put(keys[next], value);
  }
}
