package coursepulse.engine;

import java.util.Iterator;

/**
 * A store of aggregates per key and session, local to a task, made by session aggregations. Keys
 * are {@link Windowed} with the session's {@code [start, end]} (inclusive end). Bounded by
 * retention: sessions whose end is at or before {@code observedStreamTime - retention} are gone,
 * where observed stream time is the largest session end put. Not thread-safe.
 *
 * @param <K> key type
 * @param <V> aggregate type
 */
public interface SessionStore<K, V> extends StateStore {

  /**
   * The sessions of {@code key} with {@code end >= earliestSessionEndMs} and {@code start <=
   * latestSessionStartMs}, ordered by end, then start.
   */
  Iterator<KeyValue<Windowed<K>, V>> findSessions(
      K key, long earliestSessionEndMs, long latestSessionStartMs);

  /** The aggregate of exactly this session, or {@code null}. */
  V fetchSession(K key, long sessionStartMs, long sessionEndMs);

  /** Every unexpired session of every key, ordered by end, then start, then insertion of key. */
  Iterator<KeyValue<Windowed<K>, V>> all();

  /** Puts a session's aggregate; {@code null} removes it. */
  void put(Windowed<K> session, V aggregate);

  /** Removes a session. */
  void remove(Windowed<K> session);

  /** How long a session is kept after its end, in milliseconds. */
  long retentionMs();
}
