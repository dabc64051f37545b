package coursepulse.engine.internal;

import static coursepulse.engine.internal.InMemoryKeyValueStore.readBytes;
import static coursepulse.engine.internal.InMemoryKeyValueStore.writeBytes;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import coursepulse.engine.internal.EntryTree.Node;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A key-value store of objects in one tree ({@link EntryTree}) ordered by a comparator the caller
 * promises equals the unsigned order of the serialized keys. Against {@link HeapKeyValueStore} it
 * keeps no hash map and no serialized copy of each key: 40 bytes per entry besides the key and
 * value objects (and 4 per entry changed since the last checkpoint), where that store needs about
 * 120, at the price of a tree walk per {@code get}. Serdes run only
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
  private final EntryTree<K, V> values;
  private final HeapChanges<V> changes;

  public OrderedHeapKeyValueStore(
      String name, Serde<K> keySerde, Serde<V> valueSerde, Comparator<? super K> order) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.order = order;
    this.values = new EntryTree<>(order);
    this.changes = new HeapChanges<>(valueSerde, this::serializeKey);
  }

  @SuppressWarnings("unchecked") // HeapChanges hands back the keys of this store's nodes
  private byte[] serializeKey(Object key) {
    return keySerde.serialize((K) key);
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
    Node<K, V> n = values.find(Objects.requireNonNull(key, "key"));
    if (n == null) {
      return null;
    }
    changes.touch(n);
    return n.value;
  }

  @Override
  public void put(K key, V value) {
    Objects.requireNonNull(key, "key");
    if (value == null) {
      delete(key);
      return;
    }
    Node<K, V> n = values.find(key);
    if (n == null) {
      n = new Node<>(key, value);
      values.insert(n);
      changes.touch(n);
    } else {
      changes.touch(n); // before the change: a pending checkpoint may still need the old value
      n.value = value;
    }
  }

  @Override
  public V delete(K key) {
    Node<K, V> n = values.find(Objects.requireNonNull(key, "key"));
    if (n == null) {
      return null;
    }
    changes.touch(n);
    values.remove(n);
    V old = n.value;
    n.value = null;
    changes.removed(n);
    return old;
  }

  @Override
  public Iterator<KeyValue<K, V>> all() {
    return range(null, null);
  }

  @Override
  public Iterator<KeyValue<K, V>> range(K from, K to) {
    if (from != null && to != null && order.compare(from, to) > 0) {
      return Collections.emptyIterator();
    }
    Iterator<Node<K, V>> nodes =
        values.iterate(from == null ? values.first() : values.ceiling(from), to);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return nodes.hasNext();
      }

      @Override
      public KeyValue<K, V> next() {
        Node<K, V> n = nodes.next();
        changes.touch(n);
        return KeyValue.pair(n.key, n.value);
      }
    };
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(values.size());
    for (Iterator<Node<K, V>> it = values.iterate(values.first(), null); it.hasNext(); ) {
      Node<K, V> n = it.next();
      writeBytes(out, keySerde.serialize(n.key));
      writeBytes(out, valueSerde.serialize(n.value));
    }
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    int n = in.readInt();
    List<Node<K, V>> sorted = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      K key = keySerde.deserialize(readBytes(in));
      sorted.add(new Node<>(key, valueSerde.deserialize(readBytes(in))));
    }
    values.buildFromSorted(sorted); // written in key order
    changes.reset();
  }

  @Override
  public StoreChanges takeChanges() {
    return changes.take();
  }

  @Override
  public void markAllChanged() {
    changes.markAll(values.iterate(values.first(), null));
  }

  @Override
  public void restoreChanges(byte[] header, Iterator<byte[][]> entries) {
    List<Node<K, V>> sorted = new ArrayList<>();
    while (entries.hasNext()) {
      byte[][] e = entries.next();
      sorted.add(new Node<>(keySerde.deserialize(e[0]), valueSerde.deserialize(e[1])));
    }
    values.buildFromSorted(sorted); // entries come in key order
    changes.reset();
  }
}
