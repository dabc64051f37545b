package coursepulse.engine.internal.dsl;

import coursepulse.engine.KeyValue;
import coursepulse.engine.Serde;
import coursepulse.engine.SessionStore;
import coursepulse.engine.Window;
import coursepulse.engine.Windowed;
import coursepulse.engine.internal.CheckpointableStore;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * An in-memory {@link SessionStore}. Sessions expire as in Kafka Streams' segmented stores: a
 * session is visible while {@code end > observedStreamTime - retention}, where observed stream time
 * is the largest session end ever put; expired sessions are purged on put. Checkpointed by the
 * engine through its serdes; objects are kept deserialized, so aggregates must not be mutated after
 * they are put.
 */
public final class InMemorySessionStore<K, V> implements SessionStore<K, V>, CheckpointableStore {

  private static final Comparator<Window> BY_END_THEN_START =
      Comparator.comparingLong(Window::endMs).thenComparingLong(Window::startMs);

  private final String name;
  private final long retentionMs;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  private final Map<K, NavigableMap<Window, V>> sessionsByKey = new HashMap<>();
  private final NavigableMap<Long, Set<Windowed<K>>> sessionsByEnd = new TreeMap<>();
  private long observedStreamTime = Long.MIN_VALUE;
  private long size;

  /**
   * @param name store name
   * @param retentionMs how long sessions are kept after their end
   * @param keySerde key serde, for checkpoints
   * @param valueSerde aggregate serde, for checkpoints
   */
  public InMemorySessionStore(String name, long retentionMs, Serde<K> keySerde, Serde<V> valueSerde) {
    this.name = name;
    this.retentionMs = retentionMs;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    record Entry(long end, long start, byte[] key, byte[] value) {}
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<K, NavigableMap<Window, V>> byKey : sessionsByKey.entrySet()) {
      byte[] key = keySerde.serialize(byKey.getKey());
      for (Map.Entry<Window, V> session : byKey.getValue().entrySet()) {
        entries.add(
            new Entry(
                session.getKey().endMs(),
                session.getKey().startMs(),
                key,
                valueSerde.serialize(session.getValue())));
      }
    }
    // equal content must give equal bytes, whatever the hash map's iteration order
    entries.sort(
        Comparator.comparingLong(Entry::end)
            .thenComparingLong(Entry::start)
            .thenComparing(Entry::key, Arrays::compareUnsigned));
    out.writeLong(observedStreamTime);
    out.writeInt(entries.size());
    for (Entry e : entries) {
      out.writeLong(e.end());
      out.writeLong(e.start());
      out.writeInt(e.key().length);
      out.write(e.key());
      out.writeInt(e.value().length);
      out.write(e.value());
    }
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    sessionsByKey.clear();
    sessionsByEnd.clear();
    size = 0;
    long observed = in.readLong();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      long end = in.readLong();
      long start = in.readLong();
      byte[] key = new byte[in.readInt()];
      in.readFully(key);
      byte[] value = new byte[in.readInt()];
      in.readFully(value);
      put(new Windowed<>(keySerde.deserialize(key), new Window(start, end)), valueSerde.deserialize(value));
    }
    observedStreamTime = observed;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long approximateNumEntries() {
    return size;
  }

  @Override
  public long retentionMs() {
    return retentionMs;
  }

  private long minVisibleEnd() {
    return observedStreamTime == Long.MIN_VALUE ? Long.MIN_VALUE : observedStreamTime - retentionMs + 1;
  }

  @Override
  public Iterator<KeyValue<Windowed<K>, V>> findSessions(
      K key, long earliestSessionEndMs, long latestSessionStartMs) {
    NavigableMap<Window, V> sessions = sessionsByKey.get(key);
    List<KeyValue<Windowed<K>, V>> result = new ArrayList<>();
    if (sessions == null) {
      return result.iterator();
    }
    long fromEnd = Math.max(earliestSessionEndMs, minVisibleEnd());
    for (Map.Entry<Window, V> e : sessions.tailMap(new Window(Long.MIN_VALUE, fromEnd), true).entrySet()) {
      if (e.getKey().startMs() <= latestSessionStartMs) {
        result.add(KeyValue.pair(new Windowed<>(key, e.getKey()), e.getValue()));
      }
    }
    return result.iterator();
  }

  @Override
  public V fetchSession(K key, long sessionStartMs, long sessionEndMs) {
    if (sessionEndMs < minVisibleEnd()) {
      return null;
    }
    NavigableMap<Window, V> sessions = sessionsByKey.get(key);
    return sessions == null ? null : sessions.get(new Window(sessionStartMs, sessionEndMs));
  }

  @Override
  public Iterator<KeyValue<Windowed<K>, V>> all() {
    List<KeyValue<Windowed<K>, V>> result = new ArrayList<>();
    for (Set<Windowed<K>> sessions : sessionsByEnd.tailMap(minVisibleEnd(), true).values()) {
      List<Windowed<K>> ordered = new ArrayList<>(sessions);
      ordered.sort(Comparator.comparing(Windowed::window, BY_END_THEN_START));
      for (Windowed<K> session : ordered) {
        result.add(KeyValue.pair(session, sessionsByKey.get(session.key()).get(session.window())));
      }
    }
    return result.iterator();
  }

  @Override
  public void put(Windowed<K> session, V aggregate) {
    observedStreamTime = Math.max(observedStreamTime, session.window().endMs());
    if (aggregate == null) {
      remove(session);
    } else if (session.window().endMs() >= minVisibleEnd()) {
      V previous =
          sessionsByKey
              .computeIfAbsent(session.key(), k -> new TreeMap<>(BY_END_THEN_START))
              .put(session.window(), aggregate);
      if (previous == null) {
        size++;
        sessionsByEnd
            .computeIfAbsent(session.window().endMs(), e -> new LinkedHashSet<>())
            .add(session);
      }
    }
    purgeExpired();
  }

  @Override
  public void remove(Windowed<K> session) {
    NavigableMap<Window, V> sessions = sessionsByKey.get(session.key());
    if (sessions == null || sessions.remove(session.window()) == null) {
      return;
    }
    size--;
    if (sessions.isEmpty()) {
      sessionsByKey.remove(session.key());
    }
    Set<Windowed<K>> atEnd = sessionsByEnd.get(session.window().endMs());
    atEnd.remove(session);
    if (atEnd.isEmpty()) {
      sessionsByEnd.remove(session.window().endMs());
    }
  }

  private void purgeExpired() {
    NavigableMap<Long, Set<Windowed<K>>> expired = sessionsByEnd.headMap(minVisibleEnd(), false);
    for (Set<Windowed<K>> sessions : new ArrayList<>(expired.values())) {
      for (Windowed<K> session : new ArrayList<>(sessions)) {
        remove(session);
      }
    }
  }
}
