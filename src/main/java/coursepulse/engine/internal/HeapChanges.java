package coursepulse.engine.internal;

import coursepulse.engine.Serde;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The incremental-checkpoint bookkeeping of a store of objects ({@link HeapKeyValueStore}, {@link
 * OrderedHeapKeyValueStore}), copy-on-access: every key put, removed, read or iterated is marked
 * changed with its object, because a value got may be changed in place. {@link #take} hands the
 * marked set over whole (one swap on the task thread); the checkpointer's thread then serializes
 * those objects while the task goes on, and the task's first access to a key not serialized yet
 * serializes it before the task may change it. So an object got from the store may be changed
 * until the next record, not kept and changed later. Serdes must be stateless (two threads use
 * them).
 */
final class HeapChanges<K, V> {

  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  // Keys changed (or handed out) since the last take, with their object or REMOVED.
  private ConcurrentHashMap<K, Object> changed = new ConcurrentHashMap<>();
  // The changes a checkpoint is serializing, or null: shared with the checkpointer's thread.
  private volatile Pending pending;
  private static final Object REMOVED = new Object();
  // Marks a removed key among serialized values (the map takes no nulls); never a real value.
  private static final byte[] TOMBSTONE = new byte[0];

  HeapChanges(Serde<K> keySerde, Serde<V> valueSerde) {
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  /** A key whose object the task may change from now on; saves a pending snapshot's copy first. */
  void handedOut(K key, V value) {
    claim(key);
    changed.put(key, value);
  }

  /** A key removed from the store. */
  void removed(K key) {
    claim(key);
    changed.put(key, REMOVED);
  }

  private void claim(K key) {
    Pending p = pending;
    if (p != null) {
      p.serialize(key);
    }
  }

  /** The changes since the previous call; the store's next changes start empty. */
  StoreChanges take() {
    Pending p = new Pending(changed);
    changed = new ConcurrentHashMap<>();
    pending = p;
    return p;
  }

  /** Counts every entry as changed: the next {@link #take} returns all of them. */
  void markAll(Map<K, V> content) {
    changed.putAll(content);
  }

  /** Forgets pending changes (the store was just restored). */
  void reset() {
    changed = new ConcurrentHashMap<>();
  }

  /**
   * The objects of one checkpoint, serialized by whichever thread comes first: the checkpointer's
   * thread in {@link #writeTo}, or the task thread just before it touches one of them. The map's
   * per-key lock makes the task thread wait while the other serializes the object it wants.
   */
  private final class Pending extends StoreChanges {
    private final ConcurrentHashMap<K, Object> objects;
    private final ConcurrentHashMap<Bytes, byte[]> bytes = new ConcurrentHashMap<>();
    private final boolean empty;

    Pending(ConcurrentHashMap<K, Object> objects) {
      this.objects = objects;
      this.empty = objects.isEmpty();
    }

    void serialize(K key) {
      objects.computeIfPresent(
          key,
          (k, o) -> {
            @SuppressWarnings("unchecked")
            byte[] v = o == REMOVED ? TOMBSTONE : valueSerde.serialize((V) o);
            bytes.put(Bytes.wrap(keySerde.serialize(k)), v);
            return null;
          });
    }

    @Override
    public boolean isEmpty() {
      return empty;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
      for (K key : objects.keySet()) {
        serialize(key);
      }
      if (pending == this) {
        pending = null;
      }
      Map<Bytes, byte[]> changes = new HashMap<>(bytes.size() * 4 / 3 + 1);
      bytes.forEach((k, v) -> changes.put(k, v == TOMBSTONE ? null : v));
      StoreChanges.write(out, null, null, changes);
    }
  }
}
