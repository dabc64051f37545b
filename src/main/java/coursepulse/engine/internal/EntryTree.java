package coursepulse.engine.internal;

import java.util.Arrays;
import java.util.Comparator;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * A red-black tree whose nodes are the entries of a heap store: unlike {@link java.util.TreeMap}
 * it hands out its nodes, so a node can carry its checkpoint state ({@link Node#mark}, see {@link
 * HeapChanges}) and be listed as changed without a second map. A node keeps its identity while it
 * is in the tree (removal relinks nodes, never moves keys between them). Same size per entry as a
 * {@code TreeMap} entry (40 bytes with compressed references). Task thread only, except the marks.
 */
final class EntryTree<T, V> {

  /** One entry; subclasses add fields a store needs (e.g. the key object beside its bytes). */
  static class Node<T, V> {
    private static final AtomicIntegerFieldUpdater<Node> MARK =
        AtomicIntegerFieldUpdater.newUpdater(Node.class, "mark");

    final T key;
    // The stored object; null once the node left the store (then it is only in a change list).
    V value;
    private Node<T, V> left;
    private Node<T, V> right;
    private Node<T, V> parent;
    private boolean black;
    // Change tracking of HeapChanges: the only field another thread (the checkpointer's) changes.
    volatile int mark;

    Node(T key, V value) {
      this.key = key;
      this.value = value;
    }

    final boolean casMark(int expected, int update) {
      return MARK.compareAndSet(this, expected, update);
    }
  }

  private final Comparator<? super T> order;
  private Node<T, V> root;
  private int size;
  // Structural changes, so that an iterator fails fast as TreeMap's do.
  private int modCount;
  // The node found or inserted last, while it is in the tree: stores read a key and then write it
  // back, and one comparison here saves the second walk from the root.
  private Node<T, V> last;

  EntryTree(Comparator<? super T> order) {
    this.order = order;
  }

  int size() {
    return size;
  }

  void clear() {
    root = null;
    last = null;
    size = 0;
    modCount++;
  }

  /** The node of {@code key}, or null. */
  Node<T, V> find(T key) {
    Node<T, V> p = last;
    if (p != null && order.compare(key, p.key) == 0) {
      return p;
    }
    p = root;
    while (p != null) {
      int c = order.compare(key, p.key);
      if (c < 0) {
        p = p.left;
      } else if (c > 0) {
        p = p.right;
      } else {
        last = p;
        return p;
      }
    }
    return null;
  }

  /** The first node whose key is not below {@code key}, or null. */
  Node<T, V> ceiling(T key) {
    Node<T, V> p = root;
    Node<T, V> best = null;
    while (p != null) {
      int c = order.compare(key, p.key);
      if (c < 0) {
        best = p;
        p = p.left;
      } else if (c > 0) {
        p = p.right;
      } else {
        return p;
      }
    }
    return best;
  }

  /** The node of the smallest key, or null. */
  Node<T, V> first() {
    Node<T, V> p = root;
    if (p != null) {
      while (p.left != null) {
        p = p.left;
      }
    }
    return p;
  }

  /** The node after {@code n} in key order, or null. */
  static <T, V> Node<T, V> next(Node<T, V> n) {
    if (n.right != null) {
      Node<T, V> p = n.right;
      while (p.left != null) {
        p = p.left;
      }
      return p;
    }
    Node<T, V> child = n;
    Node<T, V> p = n.parent;
    while (p != null && child == p.right) {
      child = p;
      p = p.parent;
    }
    return p;
  }

  /** Adds {@code n}, whose key must not be in the tree. */
  void insert(Node<T, V> n) {
    Node<T, V> parent = null;
    Node<T, V> p = root;
    int c = 0;
    while (p != null) {
      parent = p;
      c = order.compare(n.key, p.key);
      if (c < 0) {
        p = p.left;
      } else if (c > 0) {
        p = p.right;
      } else {
        throw new IllegalStateException("key already in the tree");
      }
    }
    n.parent = parent;
    n.left = null;
    n.right = null;
    n.black = false;
    if (parent == null) {
      root = n;
    } else if (c < 0) {
      parent.left = n;
    } else {
      parent.right = n;
    }
    fixAfterInsert(n);
    last = n;
    size++;
    modCount++;
  }

  /** Unlinks {@code z}, which must be in the tree; the other nodes keep their keys and values. */
  void remove(Node<T, V> z) {
    Node<T, V> x;
    Node<T, V> xParent;
    boolean removedBlack = z.black;
    if (z.left == null) {
      x = z.right;
      xParent = z.parent;
      transplant(z, z.right);
    } else if (z.right == null) {
      x = z.left;
      xParent = z.parent;
      transplant(z, z.left);
    } else {
      // The successor takes z's place (and colour); the tree loses a node where it was.
      Node<T, V> y = z.right;
      while (y.left != null) {
        y = y.left;
      }
      removedBlack = y.black;
      x = y.right;
      if (y.parent == z) {
        xParent = y;
      } else {
        xParent = y.parent;
        transplant(y, y.right);
        y.right = z.right;
        y.right.parent = y;
      }
      transplant(z, y);
      y.left = z.left;
      y.left.parent = y;
      y.black = z.black;
    }
    if (removedBlack) {
      fixAfterRemove(x, xParent);
    }
    z.left = null;
    z.right = null;
    z.parent = null;
    if (z == last) {
      last = null;
    }
    size--;
    modCount++;
  }

  /**
   * Replaces the content with {@code sorted} in linear time: a complete balanced tree, black but
   * for the lowest level when that one is not full.
   *
   * @throws IllegalArgumentException when the keys are not strictly increasing (nothing changed)
   */
  void buildFromSorted(List<? extends Node<T, V>> sorted) {
    for (int i = 1; i < sorted.size(); i++) {
      if (order.compare(sorted.get(i - 1).key, sorted.get(i).key) >= 0) {
        throw new IllegalArgumentException("keys not in the tree's order at " + i);
      }
    }
    int redLevel = 0;
    for (int m = sorted.size() - 1; m >= 0; m = m / 2 - 1) {
      redLevel++;
    }
    root = build(sorted, 0, sorted.size() - 1, 0, redLevel);
    last = null;
    if (root != null) {
      root.parent = null;
    }
    size = sorted.size();
    modCount++;
  }

  private Node<T, V> build(
      List<? extends Node<T, V>> sorted, int lo, int hi, int depth, int redLevel) {
    if (lo > hi) {
      return null;
    }
    int mid = (lo + hi) >>> 1;
    Node<T, V> n = sorted.get(mid);
    n.left = build(sorted, lo, mid - 1, depth + 1, redLevel);
    n.right = build(sorted, mid + 1, hi, depth + 1, redLevel);
    if (n.left != null) {
      n.left.parent = n;
    }
    if (n.right != null) {
      n.right.parent = n;
    }
    n.black = depth != redLevel;
    return n;
  }

  /**
   * Walks the nodes from {@code first} while their key is not above {@code last} (null: to the
   * end); fails fast when the tree's structure changes meanwhile.
   */
  Iterator<Node<T, V>> iterate(Node<T, V> first, T last) {
    return new Iterator<>() {
      private Node<T, V> next = beyond(first, last) ? null : first;
      private final int expected = modCount;

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public Node<T, V> next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        if (modCount != expected) {
          throw new ConcurrentModificationException();
        }
        Node<T, V> n = next;
        Node<T, V> after = EntryTree.next(n);
        next = beyond(after, last) ? null : after;
        return n;
      }
    };
  }

  private boolean beyond(Node<T, V> n, T last) {
    return n != null && last != null && order.compare(n.key, last) > 0;
  }

  /** Checks the red-black rules and the links; for tests. */
  void checkInvariants() {
    if (root != null && (!root.black || root.parent != null)) {
      throw new IllegalStateException("bad root");
    }
    int[] count = new int[1];
    blackHeight(root, count);
    if (count[0] != size) {
      throw new IllegalStateException("size " + size + " but " + count[0] + " nodes");
    }
  }

  private int blackHeight(Node<T, V> n, int[] count) {
    if (n == null) {
      return 1;
    }
    count[0]++;
    for (Node<T, V> c : Arrays.asList(n.left, n.right)) {
      if (c != null && c.parent != n) {
        throw new IllegalStateException("bad parent link");
      }
      if (c != null && !n.black && !c.black) {
        throw new IllegalStateException("red node with a red child");
      }
    }
    if (n.left != null && order.compare(n.left.key, n.key) >= 0
        || n.right != null && order.compare(n.right.key, n.key) <= 0) {
      throw new IllegalStateException("keys out of order");
    }
    int l = blackHeight(n.left, count);
    int r = blackHeight(n.right, count);
    if (l != r) {
      throw new IllegalStateException("black heights differ");
    }
    return l + (n.black ? 1 : 0);
  }

  private static boolean isBlack(Node<?, ?> n) {
    return n == null || n.black;
  }

  private void fixAfterInsert(Node<T, V> x) {
    while (x != root && !isBlack(x.parent)) {
      Node<T, V> p = x.parent;
      Node<T, V> g = p.parent; // a red parent is not the root
      if (p == g.left) {
        Node<T, V> uncle = g.right;
        if (!isBlack(uncle)) {
          p.black = true;
          uncle.black = true;
          g.black = false;
          x = g;
        } else {
          if (x == p.right) {
            x = p;
            rotateLeft(x);
            p = x.parent;
          }
          p.black = true;
          g.black = false;
          rotateRight(g);
        }
      } else {
        Node<T, V> uncle = g.left;
        if (!isBlack(uncle)) {
          p.black = true;
          uncle.black = true;
          g.black = false;
          x = g;
        } else {
          if (x == p.left) {
            x = p;
            rotateRight(x);
            p = x.parent;
          }
          p.black = true;
          g.black = false;
          rotateLeft(g);
        }
      }
    }
    root.black = true;
  }

  // x (maybe null) is one black short; parent is its parent (x may be null, so passed apart).
  private void fixAfterRemove(Node<T, V> x, Node<T, V> parent) {
    while (x != root && isBlack(x)) {
      if (x == parent.left) {
        Node<T, V> w = parent.right;
        if (!isBlack(w)) {
          w.black = true;
          parent.black = false;
          rotateLeft(parent);
          w = parent.right;
        }
        if (isBlack(w.left) && isBlack(w.right)) {
          w.black = false;
          x = parent;
          parent = x.parent;
        } else {
          if (isBlack(w.right)) {
            w.left.black = true;
            w.black = false;
            rotateRight(w);
            w = parent.right;
          }
          w.black = parent.black;
          parent.black = true;
          w.right.black = true;
          rotateLeft(parent);
          x = root;
          parent = null;
        }
      } else {
        Node<T, V> w = parent.left;
        if (!isBlack(w)) {
          w.black = true;
          parent.black = false;
          rotateRight(parent);
          w = parent.left;
        }
        if (isBlack(w.left) && isBlack(w.right)) {
          w.black = false;
          x = parent;
          parent = x.parent;
        } else {
          if (isBlack(w.left)) {
            w.right.black = true;
            w.black = false;
            rotateLeft(w);
            w = parent.left;
          }
          w.black = parent.black;
          parent.black = true;
          w.left.black = true;
          rotateRight(parent);
          x = root;
          parent = null;
        }
      }
    }
    if (x != null) {
      x.black = true;
    }
  }

  private void transplant(Node<T, V> u, Node<T, V> v) {
    if (u.parent == null) {
      root = v;
    } else if (u == u.parent.left) {
      u.parent.left = v;
    } else {
      u.parent.right = v;
    }
    if (v != null) {
      v.parent = u.parent;
    }
  }

  private void rotateLeft(Node<T, V> x) {
    Node<T, V> y = x.right;
    x.right = y.left;
    if (y.left != null) {
      y.left.parent = x;
    }
    y.parent = x.parent;
    if (x.parent == null) {
      root = y;
    } else if (x == x.parent.left) {
      x.parent.left = y;
    } else {
      x.parent.right = y;
    }
    y.left = x;
    x.parent = y;
  }

  private void rotateRight(Node<T, V> x) {
    Node<T, V> y = x.left;
    x.left = y.right;
    if (y.right != null) {
      y.right.parent = x;
    }
    y.parent = x.parent;
    if (x.parent == null) {
      root = y;
    } else if (x == x.parent.right) {
      x.parent.right = y;
    } else {
      x.parent.left = y;
    }
    y.right = x;
    x.parent = y;
  }
}
