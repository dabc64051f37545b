package coursepulse.engine.internal;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Objects;

/**
 * A key-value store over a {@link SortedBytesMap} of serialized keys to serialized values, in
 * serialized (unsigned byte) key order. Point reads and writes are O(log n); {@link #range} seeks
 * and walks, so a punctuator draining the few due entries of a large index pays for those, not for
 * the whole store; snapshots come out sorted without a sort. Values are kept serialized so that a
 * processor cannot change stored state by mutating an object it got from the store, so checkpoints
 * need no conversion, and so the heap holds compact bytes instead of object graphs.
 *
 * <p>Incremental: every put and delete also records the key's new bytes (null when removed) in a
 * change map that {@link #takeChanges} hands over whole, so a checkpoint costs the task thread
 * one map swap.
 */
public final class InMemoryKeyValueStore<K, V> implements KeyValueStore<K, V>, CheckpointableStore {

  private final String name;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  private final SortedBytesMap map = new SortedBytesMap();
  // Changed keys since the last takeChanges: the new value bytes, null when removed.
  private HashMap<Bytes, byte[]> changed = new HashMap<>();

  public InMemoryKeyValueStore(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long approximateNumEntries() {
    return map.size();
  }

  @Override
  public V get(K key) {
    byte[] v = map.get(keyBytes(key));
    return v == null ? null : valueSerde.deserialize(v);
  }

  @Override
  public void put(K key, V value) {
    byte[] k = keyBytes(key);
    if (value == null) {
      if (map.remove(k) != null) {
        changed.put(Bytes.wrap(StoreChanges.owned(key, k)), null);
      }
    } else {
      byte[] v = valueSerde.serialize(value);
      map.put(k, v);
      changed.put(Bytes.wrap(StoreChanges.owned(key, k)), StoreChanges.owned(value, v));
    }
  }

  @Override
  public V delete(K key) {
    byte[] k = keyBytes(key);
    byte[] old = map.remove(k);
    if (old != null) {
      changed.put(Bytes.wrap(StoreChanges.owned(key, k)), null);
    }
    return old == null ? null : valueSerde.deserialize(old);
  }

  @Override
  public Iterator<KeyValue<K, V>> all() {
    return range(null, null);
  }

  @Override
  public Iterator<KeyValue<K, V>> range(K from, K to) {
    byte[] lo = from == null ? null : keyBytes(from);
    byte[] hi = to == null ? null : keyBytes(to);
    if (lo != null && hi != null && Arrays.compareUnsigned(lo, hi) > 0) {
      return Collections.emptyIterator();
    }
    Iterator<byte[][]> it = map.range(lo, hi);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public KeyValue<K, V> next() {
        byte[][] e = it.next();
        return KeyValue.pair(keySerde.deserialize(e[0]), valueSerde.deserialize(e[1]));
      }
    };
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(map.size());
    for (Iterator<byte[][]> it = map.range(null, null); it.hasNext(); ) {
      byte[][] e = it.next();
      writeBytes(out, e[0]);
      writeBytes(out, e[1]);
    }
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    map.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      byte[] k = readBytes(in);
      map.appendSorted(k, readBytes(in));
    }
    map.trim();
    changed = new HashMap<>();
  }

  @Override
  public StoreChanges takeChanges() {
    StoreChanges taken = StoreChanges.of(null, null, changed);
    changed = new HashMap<>();
    return taken;
  }

  @Override
  public void markAllChanged() {
    for (Iterator<byte[][]> it = map.range(null, null); it.hasNext(); ) {
      byte[][] e = it.next();
      changed.put(Bytes.wrap(e[0]), e[1]);
    }
  }

  @Override
  public void restoreChanges(byte[] header, Iterator<byte[][]> entries) {
    map.clear();
    changed = new HashMap<>();
    while (entries.hasNext()) {
      byte[][] e = entries.next();
      map.appendSorted(e[0], e[1]);
    }
    map.trim();
  }

  private byte[] keyBytes(K key) {
    return keySerde.serialize(Objects.requireNonNull(key, "key"));
  }

  static void writeBytes(DataOutput out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  static byte[] readBytes(DataInput in) throws IOException {
    int len = in.readInt();
    if (len < 0) {
      throw new IOException("negative length " + len);
    }
    byte[] b = new byte[len];
    in.readFully(b);
    return b;
  }
}
