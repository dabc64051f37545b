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
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;

/**
 * A key-value store of value objects in one tree ({@link EntryTree}) under their serialized keys,
 * in the keys' unsigned byte order, with an open-addressing index of the same nodes by key bytes
 * ({@link ByteKeyIndex}) for {@code get}, {@code put} and {@code delete}. Against {@link
 * HeapKeyValueStore} it keeps no {@code HashMap} and no key object beside the key's bytes: 40 bytes
 * per entry plus 11 to 21 of index besides the key bytes and the value object (and 4 per entry
 * changed since the last checkpoint), where that store needs about 120. Each access serializes its
 * key once (not at all when it is the previous access's key). Values are serialized only at
 * checkpoints, whose format is that of the other key-value stores, so a store can switch between
 * the three over its checkpoints. Ranges and iteration deserialize the keys they return.
 *
 * <p>The value returned by {@code get} is the stored object itself: changing it changes the store.
 * Incremental checkpoints as {@link HeapKeyValueStore}'s ({@link HeapChanges}): an object got
 * from the store may be changed until the next record, not kept and changed later.
 */
public final class OrderedHeapKeyValueStore<K, V> implements KeyValueStore<K, V>, CheckpointableStore {

  private final String name;
  private final Serde<K> keySerde;
  private final Serde<V> valueSerde;
  private final EntryTree<byte[], V> values = new EntryTree<>(Arrays::compareUnsigned);
  // The same nodes by key, for get, put and delete: the tree is walked only for ranges.
  private final ByteKeyIndex<V> index = new ByteKeyIndex<>();
  private final HeapChanges<V> changes;
  // The key of the latest access and its bytes (never changed once made, so a node may keep
  // them): handling a record gets and then puts the same key, usually built anew each time, and
  // comparing it is cheaper than encoding it again (encoding keys took 14 % of the task thread).
  private K lastKey;
  private byte[] lastKeyBytes;
  private int lastKeyHash;
  // That key's node when it was found or inserted (null: look it up): a get and then a put of the
  // same key look it up once. A node keeps its key until it is removed, which clears this.
  private Node<byte[], V> lastNode;

  public OrderedHeapKeyValueStore(String name, Serde<K> keySerde, Serde<V> valueSerde) {
    this.name = name;
    this.keySerde = keySerde;
    this.valueSerde = valueSerde;
    this.changes = new HeapChanges<>(valueSerde, key -> (byte[]) key);
  }

  /** The node of {@code key}, or null; remembers the key's bytes and hash for the next access. */
  private Node<byte[], V> find(K key) {
    Objects.requireNonNull(key, "key");
    if (!key.equals(lastKey)) {
      lastKeyBytes = keySerde.serialize(key);
      lastKeyHash = ByteKeyIndex.hash(lastKeyBytes);
      lastKey = key;
      lastNode = null;
    }
    if (lastNode == null) {
      lastNode = index.find(lastKeyBytes, lastKeyHash);
    }
    return lastNode;
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
    Node<byte[], V> n = find(key);
    if (n == null) {
      return null;
    }
    changes.touch(n);
    return n.value;
  }

  @Override
  public void put(K key, V value) {
    if (value == null) {
      delete(key);
      return;
    }
    Node<byte[], V> n = find(key);
    if (n == null) {
      n = new Node<>(lastKeyBytes, value);
      values.insert(n);
      index.add(n);
      changes.touch(n);
      lastNode = n;
    } else {
      changes.touch(n); // before the change: a pending checkpoint may still need the old value
      n.value = value;
    }
  }

  @Override
  public V delete(K key) {
    Node<byte[], V> n = find(key);
    if (n == null) {
      return null;
    }
    changes.touch(n);
    values.remove(n);
    index.remove(n);
    lastNode = null;
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
    byte[] f = from == null ? null : keySerde.serialize(from);
    byte[] t = to == null ? null : keySerde.serialize(to);
    if (f != null && t != null && Arrays.compareUnsigned(f, t) > 0) {
      return Collections.emptyIterator();
    }
    Iterator<Node<byte[], V>> nodes = values.iterate(f == null ? values.first() : values.ceiling(f), t);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return nodes.hasNext();
      }

      @Override
      public KeyValue<K, V> next() {
        Node<byte[], V> n = nodes.next();
        changes.touch(n);
        return KeyValue.pair(keySerde.deserialize(n.key), n.value);
      }
    };
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    out.writeInt(values.size());
    for (Iterator<Node<byte[], V>> it = values.iterate(values.first(), null); it.hasNext(); ) {
      Node<byte[], V> n = it.next();
      writeBytes(out, n.key);
      writeBytes(out, valueSerde.serialize(n.value));
    }
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    int n = in.readInt();
    List<Node<byte[], V>> sorted = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      byte[] key = readBytes(in);
      sorted.add(new Node<>(key, valueSerde.deserialize(readBytes(in))));
    }
    values.buildFromSorted(sorted); // written in key order
    index.rebuild(sorted);
    lastNode = null;
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
    List<Node<byte[], V>> sorted = new ArrayList<>();
    while (entries.hasNext()) {
      byte[][] e = entries.next();
      sorted.add(new Node<>(e[0], valueSerde.deserialize(e[1])));
    }
    values.buildFromSorted(sorted); // entries come in key order
    index.rebuild(sorted);
    lastNode = null;
    changes.reset();
  }
}
