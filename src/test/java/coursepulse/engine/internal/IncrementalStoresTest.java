package coursepulse.engine.internal;

import static coursepulse.engine.internal.CheckpointBytes.payload;
import static coursepulse.engine.internal.CheckpointBytes.restore;
import static coursepulse.engine.internal.CheckpointBytes.whole;
import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;


import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import coursepulse.engine.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Incremental checkpoints of each store: a chain of changes taken at random points, merged,
 * restores the content the store had at the last one; changes made after a snapshot was taken
 * are not in it, even in an object changed in place.
 */
class IncrementalStoresTest {

  /** A mutable value, as an application keeps in a heap store. */
  static final class Tally {
    long n;

    Tally(long n) {
      this.n = n;
    }
  }

  private static final Serde<Tally> TALLY =
      Serdes.from(
          t -> ByteBuffer.allocate(8).putLong(t.n).array(),
          b -> new Tally(ByteBuffer.wrap(b).getLong()));

  /** The two stores of objects; both track changes the same way ({@link HeapChanges}). */
  enum HeapKind {
    HASHED,
    ORDERED;

    <K extends Comparable<K>, S extends KeyValueStore<K, Tally> & CheckpointableStore> S create(
        Serde<K> keys) {
      @SuppressWarnings("unchecked")
      S s =
          (S)
              (this == HASHED
                  ? new HeapKeyValueStore<>("h", keys, TALLY)
                  : new OrderedHeapKeyValueStore<>("h", keys, TALLY));
      return s;
    }
  }

  private static final Serde<Integer> INT =
      Serdes.from(i -> ByteBuffer.allocate(4).putInt(i).array(), b -> ByteBuffer.wrap(b).getInt());

  @Test
  void shouldRestoreTheSerializedStoreFromAChainOfChanges() throws IOException {
    Supplier<InMemoryKeyValueStore<String, Long>> fresh =
        () -> new InMemoryKeyValueStore<>("s", Serdes.String(), Serdes.Long());
    InMemoryKeyValueStore<String, Long> store = fresh.get();
    Random random = new Random(7);
    List<byte[]> chain = new ArrayList<>();
    for (int i = 1; i <= 5_000; i++) {
      String key = "k" + random.nextInt(300);
      if (random.nextInt(4) == 0) {
        store.delete(key);
      } else {
        store.put(key, random.nextLong());
      }
      if (i % 700 == 0) {
        chain.add(payload(store.takeChanges()));
        InMemoryKeyValueStore<String, Long> restored = fresh.get();
        restore(restored, chain);
        assertThat(whole(restored)).as("after %d operations", i).isEqualTo(whole(store));
      }
    }
    assertThat(chain).hasSizeGreaterThan(5);
  }

  @ParameterizedTest
  @EnumSource(HeapKind.class)
  <S extends KeyValueStore<String, Tally> & CheckpointableStore>
      void shouldKeepTheValueAHeapObjectHadWhenTheSnapshotWasTakenThoughChangedInPlaceAfter(
          HeapKind kind) throws IOException {
    S store = kind.create(Serdes.String());
    store.put("a", new Tally(1));
    store.put("b", new Tally(10));
    StoreChanges first = store.takeChanges();
    // The task goes on while the checkpointer's thread has not serialized the snapshot yet.
    store.get("a").n = 2; // changed in place, no put
    store.delete("b");
    store.put("c", new Tally(30));
    List<byte[]> chain = new ArrayList<>(List.of(payload(first)));

    S atFirst = kind.create(Serdes.String());
    restore(atFirst, chain);
    assertThat(atFirst.get("a").n).isEqualTo(1);
    assertThat(atFirst.get("b").n).isEqualTo(10);
    assertThat(atFirst.get("c")).isNull();

    store.get("c").n = 31; // read and changed in place: counts as changed
    chain.add(payload(store.takeChanges()));
    S atSecond = kind.create(Serdes.String());
    restore(atSecond, chain);
    assertThat(whole(atSecond)).isEqualTo(whole(store));
    assertThat(atSecond.get("a").n).isEqualTo(2);
    assertThat(atSecond.get("b")).isNull();
    assertThat(atSecond.get("c").n).isEqualTo(31);
  }

  @ParameterizedTest
  @EnumSource(HeapKind.class)
  <S extends KeyValueStore<Integer, Tally> & CheckpointableStore>
      void shouldSerializeAHeapSnapshotOnTheCheckpointThreadWhileTheTaskChangesTheStore(
          HeapKind kind) throws Exception {
    S store = kind.create(INT);
    for (int i = 0; i < 20_000; i++) {
      store.put(i, new Tally(i));
    }
    StoreChanges snapshot = store.takeChanges();
    byte[][] written = new byte[1][];
    Thread checkpointer =
        new Thread(
            () -> {
              try {
                written[0] = payload(snapshot);
              } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    checkpointer.start();
    for (int i = 0; i < 20_000; i++) {
      store.get(i).n = -1; // every object changes while the snapshot is being serialized
    }
    checkpointer.join();
    S restored = kind.create(INT);
    restore(restored, List.of(written[0]));
    for (int i = 0; i < 20_000; i++) {
      assertThat(restored.get(i).n).isEqualTo(i);
    }
  }

  @ParameterizedTest
  @EnumSource(HeapKind.class)
  <S extends KeyValueStore<String, Tally> & CheckpointableStore>
      void shouldWriteTheEntryInTheStoreAtTheSnapshotForAKeyRemovedAndAddedAgain(HeapKind kind)
          throws IOException {
    S store = kind.create(Serdes.String());
    store.put("a", new Tally(1));
    store.put("b", new Tally(2));
    List<byte[]> chain = new ArrayList<>(List.of(payload(store.takeChanges())));
    store.delete("a"); // listed as removed, then its key comes back in a new entry
    store.put("a", new Tally(3));
    store.put("b", new Tally(4));
    store.delete("b"); // and the other way round
    StoreChanges second = store.takeChanges();
    store.delete("a"); // after the snapshot: not in it
    store.put("b", new Tally(5));
    chain.add(payload(second));
    S restored = kind.create(Serdes.String());
    restore(restored, chain);
    assertThat(restored.get("a").n).isEqualTo(3);
    assertThat(restored.get("b")).isNull();
    assertThat(restored.approximateNumEntries()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(HeapKind.class)
  <S extends KeyValueStore<Integer, Tally> & CheckpointableStore>
      void shouldWriteEachSnapshotAsTakenWhileTheTaskChangesEntriesDuringItsWrite(HeapKind kind)
          throws Exception {
    S store = kind.create(INT);
    Random random = new Random(3);
    List<byte[]> chain = new ArrayList<>();
    java.util.concurrent.ExecutorService writer =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      java.util.concurrent.Future<byte[]> inFlight = null;
      byte[] expected = null;
      for (int i = 1; i <= 60_000; i++) {
        int key = random.nextInt(3_000);
        switch (random.nextInt(5)) {
          case 0 -> store.delete(key);
          case 1 -> store.put(key, new Tally(i));
          case 2 -> {
            Tally t = store.get(key);
            if (t != null) {
              t.n = -i; // in place, no put
            }
          }
          case 3 -> {
            var it = store.range(key, key + 20);
            while (it.hasNext()) {
              it.next().value().n++;
            }
          }
          default -> {
            store.delete(key);
            store.put(key, new Tally(i)); // removed and back in one snapshot
          }
        }
        if (i % 5_000 == 0) {
          // At most one snapshot in flight, as the checkpointer does.
          if (inFlight != null) {
            chain.add(inFlight.get());
            S restored = kind.create(INT);
            restore(restored, chain);
            assertThat(whole(restored)).as("snapshot before operation %d", i).isEqualTo(expected);
          }
          expected = whole(store);
          StoreChanges c = store.takeChanges();
          inFlight = writer.submit(() -> payload(c));
        }
      }
      chain.add(inFlight.get());
      S restored = kind.create(INT);
      restore(restored, chain);
      assertThat(whole(restored)).isEqualTo(expected);
      assertThat(chain).hasSize(12);
    } finally {
      writer.shutdownNow();
    }
  }

  @ParameterizedTest
  @EnumSource(HeapKind.class)
  <S extends KeyValueStore<String, byte[]> & CheckpointableStore>
      void shouldKeepAByteArrayValueAsTakenThoughTheTaskChangesTheArrayBeforeTheWrite(
          HeapKind kind) throws IOException {
    Serde<byte[]> identity = Serdes.from(b -> b, b -> b); // serializes to the array itself
    @SuppressWarnings("unchecked")
    S store =
        (S)
            (kind == HeapKind.HASHED
                ? new HeapKeyValueStore<>("b", Serdes.String(), identity)
                : new OrderedHeapKeyValueStore<>("b", Serdes.String(), identity));
    store.put("a", new byte[] {1});
    StoreChanges snapshot = store.takeChanges();
    store.get("a")[0] = 2; // the task thread saves the snapshot's copy before handing it out
    byte[] written = payload(snapshot);
    @SuppressWarnings("unchecked")
    S restored =
        (S)
            (kind == HeapKind.HASHED
                ? new HeapKeyValueStore<>("b", Serdes.String(), identity)
                : new OrderedHeapKeyValueStore<>("b", Serdes.String(), identity));
    restore(restored, List.of(written));
    assertThat(restored.get("a")).containsExactly(1);
  }

  @Test
  void shouldDropExpiredWindowsWhenMergingAWindowStoresChain() throws IOException {
    Supplier<InMemoryWindowStore<String, Long>> fresh =
        () -> new InMemoryWindowStore<>("w", 2_000, 1_000, Serdes.String(), Serdes.Long());
    InMemoryWindowStore<String, Long> store = fresh.get();
    List<byte[]> chain = new ArrayList<>();
    for (long t = 0; t < 10_000; t += 250) {
      store.observeStreamTime(t);
      long start = t / 1_000 * 1_000;
      store.put("k" + (t % 3), t, start);
      if (t % 1_000 == 0) {
        store.put("k0", null, start); // a removal
      }
      if (t % 1_500 == 0) {
        chain.add(payload(store.takeChanges()));
        InMemoryWindowStore<String, Long> restored = fresh.get();
        restore(restored, chain);
        assertThat(whole(restored)).as("at %d", t).isEqualTo(whole(store));
        assertThat(restored.approximateNumEntries()).isEqualTo(store.approximateNumEntries());
      }
    }
    // Merged, the chain holds only live windows (2 s of retention), not all ten seconds.
    chain.add(payload(store.takeChanges()));
    ChangeChain merged = new ChangeChain(chain);
    int n = 0;
    for (var it = merged.entries(); it.hasNext(); it.next()) {
      n++;
    }
    assertThat((long) n).isEqualTo(store.approximateNumEntries()).isLessThan(10);
  }
}
