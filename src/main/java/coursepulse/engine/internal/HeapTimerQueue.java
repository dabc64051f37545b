package coursepulse.engine.internal;

import static coursepulse.engine.internal.InMemoryKeyValueStore.readBytes;
import static coursepulse.engine.internal.InMemoryKeyValueStore.writeBytes;

import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import coursepulse.engine.TimerQueue;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * The engine's {@link TimerQueue}: the timers in a binary heap of nodes by (due time, the given
 * order), each node knowing its slot so that a cancel is one heap step, and a hash index from
 * timer to node for scheduling and cancelling. Nothing is serialized until a checkpoint.
 *
 * <p>Checkpoints are incremental as the heap key-value stores' ({@link HeapChanges}): a timer
 * scheduled or cancelled since the previous checkpoint is written as an entry under the timer's
 * serialized form (with an empty value) or as a removed key. Timers never change once scheduled,
 * so only scheduling and cancelling touch a node. The entry format is that of the key-value
 * stores; the order of the entries does not matter, since a restore rebuilds the heap.
 */
public final class HeapTimerQueue<T> implements TimerQueue<T>, CheckpointableStore {

  private static final byte[] NO_VALUE = new byte[0];
  // The value of every node: a timer is all its node holds.
  private static final Object SCHEDULED = Boolean.TRUE;
  private static final Serde<Object> MARKER = Serdes.from(v -> NO_VALUE, b -> SCHEDULED);

  /** A scheduled timer: the key is the timer, the slot its place in the heap. */
  private static final class TimerNode<T> extends EntryTree.Node<T, Object> {
    int slot;

    TimerNode(T timer) {
      super(timer, SCHEDULED);
    }
  }

  private final String name;
  private final Serde<T> serde;
  private final ToLongFunction<? super T> dueTime;
  private final Comparator<? super T> order;
  private final Comparator<T> firing;
  private final Map<T, TimerNode<T>> index = new HashMap<>();
  private final HeapChanges<Object> changes;
  @SuppressWarnings("unchecked")
  private TimerNode<T>[] heap = new TimerNode[16];
  private int size;

  public HeapTimerQueue(
      String name, Serde<T> serde, ToLongFunction<? super T> dueTime, Comparator<? super T> order) {
    this.name = name;
    this.serde = serde;
    this.dueTime = dueTime;
    this.order = order;
    this.firing = this::compare;
    @SuppressWarnings("unchecked")
    Serde<Object> timers = (Serde<Object>) serde;
    this.changes = new HeapChanges<>(MARKER, timer -> timers.serialize(timer));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long approximateNumEntries() {
    return size;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public boolean schedule(T timer) {
    Objects.requireNonNull(timer, "timer");
    if (index.containsKey(timer)) {
      return false;
    }
    TimerNode<T> n = new TimerNode<>(timer);
    index.put(timer, n);
    changes.touch(n);
    add(n);
    return true;
  }

  @Override
  public boolean cancel(T timer) {
    TimerNode<T> n = index.remove(timer);
    if (n == null) {
      return false;
    }
    changes.touch(n); // a pending checkpoint still needs it: serialized before it goes
    removeAt(n.slot);
    n.value = null;
    changes.removed(n);
    return true;
  }

  @Override
  public boolean isScheduled(T timer) {
    return index.containsKey(timer);
  }

  @Override
  public long nextDue() {
    return size == 0 ? Long.MAX_VALUE : dueTime.applyAsLong(heap[0].key);
  }

  @Override
  public List<T> dueBy(long streamTimeMs) {
    List<T> due = new ArrayList<>();
    if (size == 0 || dueTime.applyAsLong(heap[0].key) > streamTimeMs) {
      return due;
    }
    // A node due later than streamTimeMs has only later ones below it: walk the heap's top.
    int[] pending = new int[16];
    int top = 0;
    pending[top++] = 0;
    while (top > 0) {
      int i = pending[--top];
      T t = heap[i].key;
      if (dueTime.applyAsLong(t) > streamTimeMs) {
        continue;
      }
      due.add(t);
      for (int child = 2 * i + 1; child <= 2 * i + 2 && child < size; child++) {
        if (top == pending.length) {
          pending = Arrays.copyOf(pending, top * 2);
        }
        pending[top++] = child;
      }
    }
    due.sort(firing);
    return due;
  }

  private int compare(T a, T b) {
    int c = Long.compare(dueTime.applyAsLong(a), dueTime.applyAsLong(b));
    return c != 0 ? c : order.compare(a, b);
  }

  private void add(TimerNode<T> n) {
    if (size == heap.length) {
      heap = Arrays.copyOf(heap, size + (size >> 1));
    }
    place(n, size++);
    siftUp(n.slot);
  }

  private void removeAt(int slot) {
    TimerNode<T> last = heap[--size];
    heap[size] = null;
    if (slot == size) {
      return;
    }
    place(last, slot);
    siftDown(slot);
    if (heap[slot] == last) {
      siftUp(slot);
    }
  }

  private void siftUp(int slot) {
    TimerNode<T> n = heap[slot];
    while (slot > 0) {
      int parent = (slot - 1) >>> 1;
      if (compare(heap[parent].key, n.key) <= 0) {
        break;
      }
      place(heap[parent], slot);
      slot = parent;
    }
    place(n, slot);
  }

  private void siftDown(int slot) {
    TimerNode<T> n = heap[slot];
    int half = size >>> 1;
    while (slot < half) {
      int child = 2 * slot + 1;
      int right = child + 1;
      if (right < size && compare(heap[right].key, heap[child].key) < 0) {
        child = right;
      }
      if (compare(n.key, heap[child].key) <= 0) {
        break;
      }
      place(heap[child], slot);
      slot = child;
    }
    place(n, slot);
  }

  private void place(TimerNode<T> n, int slot) {
    heap[slot] = n;
    n.slot = slot;
  }

  @Override
  public void writeTo(DataOutput out) throws IOException {
    List<byte[]> keys = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      keys.add(serde.serialize(heap[i].key));
    }
    keys.sort(Arrays::compareUnsigned); // equal content, equal bytes
    out.writeInt(keys.size());
    for (byte[] key : keys) {
      writeBytes(out, key);
      writeBytes(out, NO_VALUE);
    }
  }

  @Override
  public void readFrom(DataInput in) throws IOException {
    int n = in.readInt();
    List<byte[]> keys = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      keys.add(readBytes(in));
      readBytes(in);
    }
    rebuild(keys.iterator());
  }

  @Override
  public StoreChanges takeChanges() {
    return changes.take();
  }

  @Override
  public void markAllChanged() {
    changes.markAll(Arrays.asList(heap).subList(0, size).iterator());
  }

  @Override
  public void restoreChanges(byte[] header, Iterator<byte[][]> entries) {
    List<byte[]> keys = new ArrayList<>();
    while (entries.hasNext()) {
      byte[][] e = entries.next();
      if (e[1] != null) {
        keys.add(e[0]);
      }
    }
    rebuild(keys.iterator());
  }

  /** Replaces the content with the timers serialized in {@code keys}; forgets pending changes. */
  @SuppressWarnings("unchecked")
  private void rebuild(Iterator<byte[]> keys) {
    index.clear();
    Arrays.fill(heap, 0, size, null);
    size = 0;
    while (keys.hasNext()) {
      T timer = serde.deserialize(keys.next());
      TimerNode<T> n = new TimerNode<>(timer);
      if (index.putIfAbsent(timer, n) == null) {
        if (size == heap.length) {
          heap = Arrays.copyOf(heap, size + (size >> 1) + 1);
        }
        place(n, size++);
      }
    }
    for (int i = (size >>> 1) - 1; i >= 0; i--) {
      siftDown(i);
    }
    changes.reset();
  }
}
