package coursepulse.engine.internal.dsl;

import coursepulse.engine.KeyValue;
import coursepulse.engine.SessionStore;
import coursepulse.engine.Window;
import coursepulse.engine.Windowed;
import java.util.ArrayList;
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
 * is the largest session end ever put; expired sessions are purged on put.
 */
public final class InMemorySessionStore<K, V> implements SessionStore<K, V> {

  private static final Comparator<Window> BY_END_THEN_START =
      Comparator.comparingLong(Window::endMs).thenComparingLong(Window::startMs);

  private final String name;
  private final long retentionMs;
  private final Map<K, NavigableMap<Window, V>> sessionsByKey = new HashMap<>();
  private final NavigableMap<Long, Set<Windowed<K>>> sessionsByEnd = new TreeMap<>();
  private long observedStreamTime = Long.MIN_VALUE;
  private long size;

  /**
   * @param name store name
   * @param retentionMs how long sessions are kept after their end
   */
  public InMemorySessionStore(String name, long retentionMs) {
    this.name = name;
    this.retentionMs = retentionMs;
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
