package coursepulse.engine.internal;

import coursepulse.engine.Serde;
import coursepulse.engine.internal.EntryTree.Node;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Function;

/**
 * The incremental-checkpoint bookkeeping of a store of objects ({@link HeapKeyValueStore}, {@link
 * OrderedHeapKeyValueStore}), copy-on-access: every entry put, removed, read or iterated is marked
 * changed, because a value got may be changed in place. The mark is on the store's own node
 * ({@link Node#mark}: the epoch, i.e. the checkpoint, it was last marked in), and the nodes marked
 * in the current epoch are listed once in an array: 4 bytes per changed entry, no second map. An
 * entry removed from the store is listed by its key alone once the list is compacted ({@link
 * #removed}), so its node (40 bytes) can go before the checkpoint.
 *
 * <p>{@link #take} hands the list over whole and starts the next epoch (on the task thread); the
 * checkpointer's thread then serializes those nodes while the task goes on, and the task's first
 * access to a node not serialized yet serializes it before the task may change it (as Flink's
 * copy-on-write state map copies only what a running snapshot still needs). Who serializes a node
 * is settled by one compare-and-set of its mark; the loser waits for the winner (one entry). So an
 * object got from the store may be changed until the next record, not kept and changed later.
 * Serdes must be stateless (two threads use them).
 */
final class HeapChanges<V> {

  // Marks besides epochs (which count from 1; a new node has 0): being serialized for the pending
  // checkpoint, serialized for it.
  private static final int SAVING = -1;
  private static final int SAVED = -2;

  private final Serde<V> valueSerde;
  // The serialized form of a node's key; runs on either thread.
  private final Function<Object, byte[]> keyBytes;
  private int epoch = 1;
  // What changed in the current epoch, each once: a node marked in it, or the key of a node that
  // left the store since (the key, not the node, is all a removal writes; a key is never a Node).
  private Object[] marked = new Object[16];
  private int count;
  // Nodes in marked that left the store and are not replaced by their key yet.
  private int removedNodes;
  // The changes a checkpoint is serializing, or null: shared with the checkpointer's thread.
  private volatile Pending pending;

  /** @param keyBytes the serialized form of a node's key ({@link Node#key}) */
  HeapChanges(Serde<V> valueSerde, Function<Object, byte[]> keyBytes) {
    this.valueSerde = valueSerde;
    this.keyBytes = keyBytes;
  }

  /**
   * A node the task may change from now on: got, put, iterated, or about to leave the store (then
   * call this before setting its value to null). Saves a pending checkpoint's copy first.
   */
  void touch(Node<?, V> n) {
    int m = n.mark;
    if (m == epoch) {
      return;
    }
    Pending p = pending;
    if (p != null && (m == p.epoch || m == SAVING)) {
      p.claim(n); // not saved yet, or being saved by the checkpointer's thread right now
    }
    n.mark = epoch;
    if (count == marked.length) {
      marked = Arrays.copyOf(marked, count + (count >> 1));
    }
    marked[count++] = n;
  }

  /**
   * A node that just left the store: {@link #touch}ed before, value now null. Now and then the
   * list swaps such nodes for their keys (a removed node is never touched again), at most one
   * eighth of the list is such nodes, at an amortized cost of a few slots per removal.
   */
  void removed(Node<?, V> n) {
    if (++removedNodes >= Math.max(64, count >> 3)) {
      for (int i = 0; i < count; i++) {
        if (marked[i] instanceof Node<?, ?> node && node.value == null) {
          marked[i] = node.key;
        }
      }
      removedNodes = 0;
    }
  }

  /** The changes since the previous call; the store's next changes start empty. */
  StoreChanges take() {
    Pending p = new Pending(epoch, marked, count);
    marked = new Object[Math.max(16, Math.min(count, 1024))];
    count = 0;
    removedNodes = 0;
    epoch++;
    pending = p;
    return p;
  }

  /** Counts every node as changed: the next {@link #take} returns all of them. */
  void markAll(Iterator<? extends Node<?, V>> nodes) {
    while (nodes.hasNext()) {
      touch(nodes.next());
    }
  }

  /** Forgets pending changes (the store was just restored: its nodes are new, never marked). */
  void reset() {
    marked = new Object[16];
    count = 0;
    removedNodes = 0;
    epoch++;
    pending = null;
  }

  /** {key, value or null for a removed entry}, the value a copy the task cannot change. */
  private byte[][] serialize(Node<?, V> n) {
    V v = n.value;
    return new byte[][] {
      keyBytes.apply(n.key), v == null ? null : StoreChanges.owned(v, valueSerde.serialize(v))
    };
  }

  /**
   * The nodes of one checkpoint, each serialized by whichever thread marks it {@link #SAVING}
   * first: the checkpointer's thread in {@link #writeTo}, or the task thread just before it
   * touches one of them.
   */
  private final class Pending extends StoreChanges {
    private final int epoch;
    private final int count;
    private Object[] nodes;
    // What the task thread serialized; read by writeTo after the node's mark left SAVING.
    private final ConcurrentLinkedQueue<byte[][]> savedByTask = new ConcurrentLinkedQueue<>();

    Pending(int epoch, Object[] nodes, int count) {
      this.epoch = epoch;
      this.nodes = nodes;
      this.count = count;
    }

    /** On the task thread: serializes {@code n} unless the checkpointer's thread did or does. */
    void claim(Node<?, V> n) {
      while (true) {
        if (n.casMark(epoch, SAVING)) {
          try {
            savedByTask.add(serialize(n));
          } catch (RuntimeException | Error e) {
            n.mark = epoch; // the checkpointer's thread tries again (and fails the checkpoint)
            throw e;
          }
          n.mark = SAVED;
          return;
        }
        if (n.mark != SAVING) {
          return;
        }
        Thread.onSpinWait(); // the checkpointer's thread is serializing this one entry
      }
    }

    @Override
    public boolean isEmpty() {
      return count == 0;
    }

    @Override
    public void writeTo(DataOutput out) throws IOException {
      Map<Bytes, byte[]> changes = new HashMap<>(count * 4 / 3 + 1);
      for (int i = 0; i < count; i++) {
        if (!(nodes[i] instanceof Node<?, ?> listed)) {
          add(changes, new byte[][] {keyBytes.apply(nodes[i]), null}); // a removed entry's key
          continue;
        }
        @SuppressWarnings("unchecked")
        Node<?, V> n = (Node<?, V>) listed;
        while (true) {
          if (n.casMark(epoch, SAVING)) {
            byte[][] e;
            try {
              e = serialize(n);
            } finally {
              n.mark = SAVED;
            }
            add(changes, e);
            break;
          }
          if (n.mark != SAVING) {
            break;
          }
          Thread.onSpinWait(); // the task thread is serializing it: its copy is in savedByTask
        }
      }
      // Every node is past SAVING now, so the task thread's copies are all in the queue.
      if (pending == this) {
        pending = null;
      }
      nodes = null;
      for (byte[][] e : savedByTask) {
        add(changes, e);
      }
      StoreChanges.write(out, null, null, changes);
    }

    // A key can be listed twice only as a node that left the store and the one that replaced it;
    // the entry in the store at the take wins, whichever of the two was listed first.
    private void add(Map<Bytes, byte[]> changes, byte[][] e) {
      Bytes k = Bytes.wrap(e[0]);
      if (e[1] != null || !changes.containsKey(k)) {
        changes.put(k, e[1]);
      }
    }
  }
}
