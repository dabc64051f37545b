package coursepulse.engine.internal;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A key-value store over a hash map of serialized keys to serialized values. Point reads and
 * writes (the hot path of aggregations) are O(1); {@link #all()} and {@link #range} sort the keys
 * on demand (O(n log n)), which suits stores that are scanned rarely, for example by a punctuator.
 * Values are kept serialized so that a processor cannot change stored state by mutating an object
 * it got from the store, and so checkpoints need no extra conversion.
 */
public final class InMemoryKeyValueStore<K, V> implements KeyValueStore<K, V>, CheckpointableStore {

  private final String name;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  private final HashMap<Bytes, byte[]> map = new HashMap<>();

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
    Bytes k = keyBytes(key);
    if (value == null) {
      map.remove(k);
    } else {
      map.put(k, valueSerde.serialize(value));
    }
  }

  @Override
  public V delete(K key) {
    byte[] old = map.remove(keyBytes(key));
    return old == null ? null : valueSerde.deserialize(old);
  }

  @Override
  public Iterator<KeyValue<K, V>> all() {
    return range(null, null);
  }

  @Override
  public Iterator<KeyValue<K, V>> range(K from, K to) {
    Bytes lo = from == null ? null : keyBytes(from);
    Bytes hi = to == null ? null : keyBytes(to);
    List<Map.Entry<Bytes, byte[]>> entries = new ArrayList<>();
    for (Map.Entry<Bytes, byte[]> e : map.entrySet()) {
      Bytes k = e.getKey();
      if ((lo == null || k.compareTo(lo) >= 0) && (hi == null || k.compareTo(hi) <= 0)) {
        entries.add(Map.entry(k, e.getValue()));
      }
    }
    entries.sort(Map.Entry.comparingByKey());
    Iterator<Map.Entry<Bytes, byte[]>> it = entries.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public KeyValue<K, V> next() {
        Map.Entry<Bytes, byte[]> e = it.next();
        return KeyValue.pair(
            keySerde.deserialize(e.getKey().get()), valueSerde.deserialize(e.getValue()));
      }
    };
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    List<Bytes> keys = new ArrayList<>(map.keySet());
    keys.sort(null);
    out.writeInt(keys.size());
    for (Bytes k : keys) {
      writeBytes(out, k.get());
      writeBytes(out, map.get(k));
    }
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    map.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      Bytes k = Bytes.wrap(readBytes(in));
      map.put(k, readBytes(in));
    }
  }

  private Bytes keyBytes(K key) {
    return Bytes.wrap(keySerde.serialize(Objects.requireNonNull(key, "key")));
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
