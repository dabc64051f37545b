package coursepulse.engine;

import coursepulse.engine.internal.HeapKeyValueStore;
import coursepulse.engine.internal.HeapTimerQueue;
import coursepulse.engine.internal.InMemoryKeyValueStore;
import coursepulse.engine.internal.InMemoryWindowStore;
import coursepulse.engine.internal.OrderedHeapKeyValueStore;
import java.time.Duration;
import java.util.Comparator;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * Factories for the engine's in-memory state stores. Their content is checkpointed with their
 * serdes, so serdes must round-trip every value they see.
 */
public final class Stores {

  private Stores() {}

  /**
   * A key-value store held in memory; iteration is in serialized key order.
   *
   * @param name store name, unique in the topology
   */
  public static <K, V> StoreBuilder<KeyValueStore<K, V>> keyValueStoreBuilder(
      String name, Serde<K> keySerde, Serde<V> valueSerde) {
    return KeyValueSpec.of(name, keySerde, valueSerde, false);
  }

  /**
   * A key-value store of objects held on the heap: {@code get} and {@code put} of a known key are
   * a hash lookup, with no serialization; the serdes run only at checkpoints and when a key is
   * added or removed. Iteration is in serialized key order and the checkpoint format is that of
   * {@link #keyValueStoreBuilder}, so a store can switch between the two over its checkpoints.
   *
   * <p>The value {@code get} returns is the stored object: changing it changes the store even
   * without a {@code put}. Keys need {@code equals}/{@code hashCode} that agree with their
   * serialized form (not arrays).
   *
   * @param name store name, unique in the topology
   */
  public static <K, V> StoreBuilder<KeyValueStore<K, V>> heapKeyValueStoreBuilder(
      String name, Serde<K> keySerde, Serde<V> valueSerde) {
    return KeyValueSpec.of(name, keySerde, valueSerde, true);
  }

  /**
   * Like {@link #heapKeyValueStoreBuilder(String, Serde, Serde)}, but values are kept in one tree
   * under their keys' bytes, found by a compact open-addressing index of the tree's nodes, with no
   * {@code HashMap} and no key object: less heap per entry (about 55 to 60 bytes besides the key
   * bytes and the value object instead of about 120), the key serialized on every access (unless it
   * equals the previous one) and deserialized for every entry a range or iteration returns.
   * Iteration is in the keys' unsigned byte order, as in the other key-value stores, and so are
   * checkpoints.
   *
   * @throws IllegalArgumentException for byte-array keys ({@link Serdes#ByteArray()} keeps the
   *     caller's array, which the store would then share)
   */
  public static <K, V> StoreBuilder<KeyValueStore<K, V>> orderedHeapKeyValueStoreBuilder(
      String name, Serde<K> keySerde, Serde<V> valueSerde) {
    if (keySerde == Serdes.ByteArray()) {
      throw new IllegalArgumentException(
          "store '" + name + "': byte-array keys are not copied; use heapKeyValueStoreBuilder");
    }
    return KeyValueSpec.of(name, keySerde, valueSerde, true).orderedOnHeap();
  }

  /** What the two key-value factories build, kept so a topology can move its stores to the heap. */
  record KeyValueSpec<K, V>(
      String name, Serde<K> keySerde, Serde<V> valueSerde, boolean onHeap, boolean ordered)
      implements StoreBuilder<KeyValueStore<K, V>> {

    static <K, V> KeyValueSpec<K, V> of(
        String name, Serde<K> keySerde, Serde<V> valueSerde, boolean onHeap) {
      requireName(name);
      Objects.requireNonNull(keySerde, "keySerde");
      Objects.requireNonNull(valueSerde, "valueSerde");
      return new KeyValueSpec<>(name, keySerde, valueSerde, onHeap, false);
    }

    /** On the heap, in one tree under the keys' bytes. */
    KeyValueSpec<K, V> orderedOnHeap() {
      return new KeyValueSpec<>(name, keySerde, valueSerde, true, true);
    }

    @Override
    public KeyValueStore<K, V> build() {
      if (!onHeap) {
        return new InMemoryKeyValueStore<>(name, keySerde, valueSerde);
      }
      return ordered
          ? new OrderedHeapKeyValueStore<>(name, keySerde, valueSerde)
          : new HeapKeyValueStore<>(name, keySerde, valueSerde);
    }

    /** The heap variant, unless keys are byte arrays (no value equality). */
    KeyValueSpec<K, V> heapIfPossible() {
      return onHeap || keySerde == Serdes.ByteArray()
          ? this
          : new KeyValueSpec<>(name, keySerde, valueSerde, true, false);
    }
  }

  /**
   * A window store held in memory.
   *
   * @param retention how long (in stream time) a window is kept after its start; at least the
   *     window size, usually window size + grace
   * @param windowSize size of every window in the store
   * @throws IllegalArgumentException when {@code retention < windowSize} or either is not positive
   */
  public static <K, V> StoreBuilder<WindowStore<K, V>> windowStoreBuilder(
      String name, Duration retention, Duration windowSize, Serde<K> keySerde, Serde<V> valueSerde) {
    requireName(name);
    long retentionMs = retention.toMillis();
    long sizeMs = windowSize.toMillis();
    if (sizeMs <= 0) {
      throw new IllegalArgumentException("window size must be positive, was " + windowSize);
    }
    if (retentionMs < sizeMs) {
      throw new IllegalArgumentException(
          "retention " + retention + " of store '" + name + "' must be at least the window size "
              + windowSize);
    }
    Objects.requireNonNull(keySerde, "keySerde");
    Objects.requireNonNull(valueSerde, "valueSerde");
    return new StoreBuilder<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public WindowStore<K, V> build() {
        return new InMemoryWindowStore<>(name, retentionMs, sizeMs, keySerde, valueSerde);
      }
    };
  }

  /**
   * A queue of stream-time timers held on the heap ({@link TimerQueue}): a binary heap by due time
   * with a hash index for scheduling and cancelling, checkpointed incrementally (only the timers
   * scheduled or cancelled since the previous checkpoint are written).
   *
   * @param serde serializes a timer, due time included, at checkpoints only
   * @param dueTime the due time of a timer, in stream time (epoch milliseconds)
   * @param order orders timers due at the same time; must be consistent with {@code equals} (zero
   *     only for equal timers), so that the firing order never depends on when a timer was set
   */
  public static <T> StoreBuilder<TimerQueue<T>> timerQueueBuilder(
      String name, Serde<T> serde, ToLongFunction<? super T> dueTime, Comparator<? super T> order) {
    requireName(name);
    Objects.requireNonNull(serde, "serde");
    Objects.requireNonNull(dueTime, "dueTime");
    Objects.requireNonNull(order, "order");
    return new StoreBuilder<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public TimerQueue<T> build() {
        return new HeapTimerQueue<>(name, serde, dueTime, order);
      }
    };
  }

  private static void requireName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("store name must not be blank");
    }
  }
}
