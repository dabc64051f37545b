package coursepulse.engine.internal;

import static coursepulse.engine.internal.InMemoryKeyValueStore.readBytes;
import static coursepulse.engine.internal.InMemoryKeyValueStore.writeBytes;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A key-value store of objects in one tree ordered by a comparator the caller promises equals the
 * unsigned order of the serialized keys. Against {@link HeapKeyValueStore} it keeps no hash map
 * and no serialized copy of each key: about 40 bytes per entry besides the key and value objects,
 * where that store needs about 120, at the price of a tree walk per {@code get}. Serdes run only
 * at checkpoints, whose format is that of the other key-value stores, so a store can switch
 * between the three over its checkpoints.
 *
 * <p>The value returned by {@code get} is the stored object itself: changing it changes the store.
 * Incremental checkpoints as {@link HeapKeyValueStore}'s ({@link HeapChanges}): an object got
 * from the store may be changed until the next record, not kept and changed later.
 */
public final class OrderedHeapKeyValueStore<K, V> implements KeyValueStore<K, V>, CheckpointableStore {

  private final String name;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  private final Comparator<? super K> order;
  private final TreeMap<K, V> values;
  private final HeapChanges<K, V> changes;

  public OrderedHeapKeyValueStore(
      String name, Serde<K> keySerde, Serde<V> valueSerde, Comparator<? super K> order) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.order = order;
    this.values = new TreeMap<>(order);
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
    } else {
      changes.handedOut(key, value);
      values.put(key, value);
    }
  }

  @Override
  public V delete(K key) {
    V old = values.remove(Objects.requireNonNull(key, "key"));
    if (old != null) {
      changes.removed(key);
    }
    return old;
  }

  @Override
  public Iterator<KeyValue<K, V>> all() {
    return range(null, null);
  }

  @Override
  public Iterator<KeyValue<K, V>> range(K from, K to) {
    NavigableMap<K, V> view;
    if (from != null && to != null) {
      if (order.compare(from, to) > 0) {
        return Collections.emptyIterator();
      }
      view = values.subMap(from, true, to, true);
    } else if (from != null) {
      view = values.tailMap(from, true);
    } else if (to != null) {
      view = values.headMap(to, true);
    } else {
      view = values;
    }
    Iterator<Map.Entry<K, V>> entries = view.entrySet().iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return entries.hasNext();
      }

      @Override
      public KeyValue<K, V> next() {
        Map.Entry<K, V> e = entries.next();
        changes.handedOut(e.getKey(), e.getValue());
        return KeyValue.pair(e.getKey(), e.getValue());
      }
    };
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(values.size());
    for (Map.Entry<K, V> e : values.entrySet()) {
      writeBytes(out, keySerde.serialize(e.getKey()));
      writeBytes(out, valueSerde.serialize(e.getValue()));
    }
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    values.clear();
    int n = in.readInt();
    for (int i = 0; i < n; i++) {
      K key = keySerde.deserialize(readBytes(in));
      values.put(key, valueSerde.deserialize(readBytes(in)));
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
    while (entries.hasNext()) {
      byte[][] e = entries.next();
      values.put(keySerde.deserialize(e[0]), valueSerde.deserialize(e[1]));
    }
    changes.reset();
  }
}
