package coursepulse.engine.internal;

import static coursepulse.engine.internal.InMemoryKeyValueStore.readBytes;
import static coursepulse.engine.internal.InMemoryKeyValueStore.writeBytes;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A key-value store of objects: values are kept as the objects the processor put, so {@code get}
 * and {@code put} of a known key are one hash lookup with no serialization; serdes run only at
 * checkpoints ({@link #writeTo}, {@link #readFrom}) and when a key is added or removed (its
 * serialized form is the sort key of the ordered index, so iteration follows serialized key order
 * exactly as {@link InMemoryKeyValueStore} does, and the checkpoint format is the same: a
 * checkpoint written by either store restores into the other).
 *
 * <p>The value returned by {@code get} is the stored object itself: a processor that changes it
 * changes the store, with or without a {@code put}. Keys must have {@code equals}/{@code hashCode}
 * that agree with their serialized form (strings, numbers, records; not arrays).
 *
 * <p>Incremental, copy-on-access ({@link HeapChanges}): an object got from the store may be
 * changed until the next record, not kept and changed later.
 */
public final class HeapKeyValueStore<K, V> implements KeyValueStore<K, V>, CheckpointableStore {

  private final String name;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  private final Map<K, V> values = new HashMap<>();
  private static final Comparator<byte[]> UNSIGNED = Arrays::compareUnsigned;
  private final TreeMap<byte[], K> order = new TreeMap<>(UNSIGNED);
  private final HeapChanges<K, V> changes;

  public HeapKeyValueStore(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.changes = new HeapChanges<>(keySerde, valueSerde);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long approximateNumEntries() {
    return values.size();
  }

  @Override
  public V get(K key) {
    V v = values.get(Objects.requireNonNull(key, "key"));
    if (v != null) {
      changes.handedOut(key, v);
    }
    return v;
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key");
    if (value == null) {
      delete(key);
      return;
    }
    changes.handedOut(key, value);
    if (values.put(key, value) == null) {
      order.put(keySerde.serialize(key), key);
    }
  }

  @Override
  public V delete(K key) {
    V old = values.remove(Objects.requireNonNull(key, "key"));
    if (old != null) {
      changes.removed(key);
      order.remove(keySerde.serialize(key));
    }
    return old;
  }

  @Override
  public Iterator<KeyValue<K, V>> all() {
    return range(null, null);
  }

  @Override
  public Iterator<KeyValue<K, V>> range(K from, K to) {
    byte[] lo = from == null ? null : keySerde.serialize(from);
    byte[] hi = to == null ? null : keySerde.serialize(to);
    NavigableMap<byte[], K> view;
    if (lo != null && hi != null) {
      if (Arrays.compareUnsigned(lo, hi) > 0) {
        return Collections.emptyIterator();
      }
      view = order.subMap(lo, true, hi, true);
    } else if (lo != null) {
      view = order.tailMap(lo, true);
    } else if (hi != null) {
      view = order.headMap(hi, true);
    } else {
      view = order;
    }
    Iterator<K> keys = view.values().iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return keys.hasNext();
      }

      @Override
      public KeyValue<K, V> next() {
        K k = keys.next();
        V v = values.get(k);
        changes.handedOut(k, v);
        return KeyValue.pair(k, v);
      }
    };
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(order.size());
    for (Map.Entry<byte[], K> e : order.entrySet()) {
      writeBytes(out, e.getKey());
      writeBytes(out, valueSerde.serialize(values.get(e.getValue())));
    }
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    values.clear();
    order.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      byte[] k = readBytes(in);
      K key = keySerde.deserialize(k);
      values.put(key, valueSerde.deserialize(readBytes(in)));
      order.put(k, key);
    }
    changes.reset();
  }

  @Override
  public StoreChanges takeChanges() {
    return changes.take();
  }

  @Override
  public void markAllChanged() {
    changes.markAll(values);
  }

  @Override
  public void restoreChanges(byte[] header, Iterator<byte[][]> entries) {
    values.clear();
    order.clear();
    List<Map.Entry<byte[], K>> sorted = new ArrayList<>();
    while (entries.hasNext()) {
      byte[][] e = entries.next();
      K key = keySerde.deserialize(e[0]);
      values.put(key, valueSerde.deserialize(e[1]));
      sorted.add(new AbstractMap.SimpleImmutableEntry<>(e[0], key));
    }
    order.putAll(new SortedRun<>(sorted)); // entries come in key order: a linear-time build
    changes.reset();
  }

  /**
   * Entries already in {@link #UNSIGNED} order, seen as a sorted map only so that {@link
   * TreeMap#putAll} builds its tree in linear time instead of inserting one by one.
   */
  private static final class SortedRun<K> extends AbstractMap<byte[], K>
      implements SortedMap<byte[], K> {
    private final List<Map.Entry<byte[], K>> entries;

    SortedRun(List<Map.Entry<byte[], K>> entries) {
      this.entries = entries;
    }

    @Override
    public Set<Map.Entry<byte[], K>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public Iterator<Map.Entry<byte[], K>> iterator() {
          return entries.iterator();
        }

        @Override
        public int size() {
          return entries.size();
        }
      };
    }

    @Override
    public Comparator<? super byte[]> comparator() {
      return UNSIGNED;
    }

    @Override
    public SortedMap<byte[], K> subMap(byte[] from, byte[] to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<byte[], K> headMap(byte[] to) {
      throw new UnsupportedOperationException();
    }

    @Override
    public SortedMap<byte[], K> tailMap(byte[] from) {
      throw new UnsupportedOperationException();
    }

    @Override
    public byte[] firstKey() {
      return entries.get(0).getKey();
    }

    @Override
    public byte[] lastKey() {
      return entries.get(entries.size() - 1).getKey();
    }
  }
}
