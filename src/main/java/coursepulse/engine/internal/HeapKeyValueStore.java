package coursepulse.engine.internal;

import static coursepulse.engine.internal.InMemoryKeyValueStore.readBytes;
import static coursepulse.engine.internal.InMemoryKeyValueStore.writeBytes;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A key-value store of objects: values are kept as the objects the processor put, so {@code get}
 * and {@code put} of a known key are one hash lookup with no serialization; serdes run only at
 * checkpoints ({@link #writeTo}, {@link #readFrom}) and when a key is added or removed (its
 * serialized form is the sort key of the ordered index, an {@link EntryTree} whose nodes the hash
 * map finds, so iteration follows serialized key order
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
  private final Map<K, Entry<K, V>> values = new HashMap<>();
  private final EntryTree<byte[], V> order = new EntryTree<>(Arrays::compareUnsigned);
  private final HeapChanges<V> changes;

  /** A node of the ordered index keyed by the serialized key, with the key object beside it. */
  private static final class Entry<K, V> extends EntryTree.Node<byte[], V> {
    final K object;

    Entry(byte[] key, K object, V value) {
      super(key, value);
      this.object = object;
    }
  }

  public HeapKeyValueStore(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.changes = new HeapChanges<>(valueSerde, k -> (byte[]) k);
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
    Entry<K, V> e = values.get(Objects.requireNonNull(key, "key"));
    if (e == null) {
      return null;
    }
    changes.touch(e);
    return e.value;
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key");
    if (value == null) {
      delete(key);
      return;
    }
    Entry<K, V> e = values.get(key);
    if (e == null) {
      e = new Entry<>(keySerde.serialize(key), key, value);
      values.put(key, e);
      order.insert(e);
      changes.touch(e);
    } else {
      changes.touch(e); // before the change: a pending checkpoint may still need the old value
      e.value = value;
    }
  }

  @Override
  public V delete(K key) {
    Entry<K, V> e = values.remove(Objects.requireNonNull(key, "key"));
    if (e == null) {
      return null;
    }
    changes.touch(e);
    order.remove(e);
    V old = e.value;
    e.value = null;
    changes.removed(e);
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
    if (lo != null && hi != null && Arrays.compareUnsigned(lo, hi) > 0) {
      return Collections.emptyIterator();
    }
    Iterator<EntryTree.Node<byte[], V>> nodes =
        order.iterate(lo == null ? order.first() : order.ceiling(lo), hi);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return nodes.hasNext();
      }

      @Override
      public KeyValue<K, V> next() {
        Entry<K, V> e = (Entry<K, V>) nodes.next();
        changes.touch(e);
        return KeyValue.pair(e.object, e.value);
      }
    };
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(order.size());
    for (Iterator<EntryTree.Node<byte[], V>> it = order.iterate(order.first(), null);
        it.hasNext(); ) {
      EntryTree.Node<byte[], V> e = it.next();
      writeBytes(out, e.key);
      writeBytes(out, valueSerde.serialize(e.value));
    }
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    int n = in.readInt();
    List<Entry<K, V>> sorted = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] k = readBytes(in);
      sorted.add(new Entry<>(k, keySerde.deserialize(k), valueSerde.deserialize(readBytes(in))));
    }
    load(sorted);
  }

  @Override
  public StoreChanges takeChanges() {
    return changes.take();
  }

  @Override
  public void markAllChanged() {
    changes.markAll(order.iterate(order.first(), null));
  }

  @Override
  public void restoreChanges(byte[] header, Iterator<byte[][]> entries) {
    List<Entry<K, V>> sorted = new ArrayList<>();
    while (entries.hasNext()) {
      byte[][] e = entries.next();
      sorted.add(new Entry<>(e[0], keySerde.deserialize(e[0]), valueSerde.deserialize(e[1])));
    }
    load(sorted);
  }

  // Entries come in key order (checkpoints are written so): the tree is built in linear time.
  private void load(List<Entry<K, V>> sorted) {
    order.buildFromSorted(sorted);
    values.clear();
    for (Entry<K, V> e : sorted) {
      values.put(e.object, e);
    }
    changes.reset();
  }
}
