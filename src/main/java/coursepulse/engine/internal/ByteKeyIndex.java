package coursepulse.engine.internal;

import coursepulse.engine.internal.EntryTree.Node;
import java.util.Arrays;
import java.util.List;

/**
 * A hash index over the nodes of an {@link EntryTree} keyed by byte arrays: it finds a key's node
 * with one hash and, almost always, one key comparison, where the tree walks from its root
 * comparing key bytes at every level. The walk was a quarter of the task thread at 3,000 students
 * (each comparison a cache miss on another node and its key); the tree stays for what needs the
 * order (ranges, iteration, checkpoints).
 *
 * <p>Open addressing with linear probing over two parallel arrays, the nodes and their keys'
 * hashes (a probe that does not match reads no key), at most three quarters full, deletion by
 * backward shift (no tombstones, so lookups never slow down with churn). Costs 8 bytes per slot:
 * 11 to 21 bytes per entry. Task thread only.
 */
final class ByteKeyIndex<V> {

  private static final int MIN_CAPACITY = 16;
  // The hash of an empty slot; no key hashes to it, so a probe reads only the hashes until one
  // matches (most slots a lookup passes are other keys' or empty: their nodes stay unread).
  private static final int EMPTY = 0;

  private Node<byte[], V>[] nodes;
  private int[] hashes;
  private int mask;
  private int size;

  ByteKeyIndex() {
    allocate(MIN_CAPACITY);
  }

  /** The hash the index files {@code key} under; pass it back to {@link #find(byte[], int)}. */
  static int hash(byte[] key) {
    // Arrays.hashCode's low bits follow the keys' last bytes only; multiplying spreads them.
    int h = Arrays.hashCode(key) * 0x9E3779B9;
    h ^= h >>> 16;
    return h == EMPTY ? 1 : h;
  }

  int size() {
    return size;
  }

  /** The node of {@code key}, or null; {@code hash} is {@link #hash}{@code (key)}. */
  Node<byte[], V> find(byte[] key, int hash) {
    for (int i = hash & mask; ; i = (i + 1) & mask) {
      int h = hashes[i];
      if (h == hash) {
        Node<byte[], V> n = nodes[i];
        if (Arrays.equals(n.key, key)) {
          return n;
        }
      } else if (h == EMPTY) {
        return null;
      }
    }
  }

  /** Adds {@code node}, whose key must not be in the index. */
  void add(Node<byte[], V> node) {
    if (size + 1 > (mask + 1) / 4 * 3) {
      rehash((mask + 1) * 2);
    }
    place(node, hash(node.key));
    size++;
  }

  /** Removes {@code node} (by identity); nothing when it is not in the index. */
  void remove(Node<byte[], V> node) {
    int i = hash(node.key) & mask;
    while (nodes[i] != node) {
      if (nodes[i] == null) {
        return;
      }
      i = (i + 1) & mask;
    }
    // Backward shift: move later entries of the run into the gap when their home slot allows it,
    // so that no lookup stops early at the hole.
    int gap = i;
    for (int j = (gap + 1) & mask; nodes[j] != null; j = (j + 1) & mask) {
      int home = hashes[j] & mask;
      if (((j - home) & mask) >= ((j - gap) & mask)) {
        nodes[gap] = nodes[j];
        hashes[gap] = hashes[j];
        gap = j;
      }
    }
    nodes[gap] = null;
    hashes[gap] = EMPTY;
    size--;
  }

  /** Replaces the contents with {@code all} (distinct keys), sized for them. */
  void rebuild(List<? extends Node<byte[], V>> all) {
    int capacity = MIN_CAPACITY;
    while (capacity / 4 * 3 < all.size()) {
      capacity *= 2;
    }
    allocate(capacity);
    for (Node<byte[], V> n : all) {
      place(n, hash(n.key));
      size++;
    }
  }

  private void place(Node<byte[], V> node, int hash) {
    int i = hash & mask;
    while (nodes[i] != null) {
      i = (i + 1) & mask;
    }
    nodes[i] = node;
    hashes[i] = hash;
  }

  private void rehash(int capacity) {
    Node<byte[], V>[] oldNodes = nodes;
    int[] oldHashes = hashes;
    allocate(capacity);
    for (int i = 0; i < oldNodes.length; i++) {
      if (oldNodes[i] != null) {
        place(oldNodes[i], oldHashes[i]);
        size++;
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void allocate(int capacity) {
    nodes = (Node<byte[], V>[]) new Node[capacity];
    hashes = new int[capacity];
    mask = capacity - 1;
    size = 0;
  }
}
