package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serdes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The heap store behaves as the serialized store, and their checkpoints are interchangeable. */
class HeapKeyValueStoreTest {

  @Test
  void shouldAnswerAndIterateLikeTheSerializedStoreUnderRandomOperations() throws IOException {
    compareUnderRandomOperations(new HeapKeyValueStore<>("s", Serdes.String(), Serdes.Long()), 500);
  }

  /** The tree under the keys' bytes iterates as the UTF-8 bytes sort. */
  @Test
  void shouldAnswerAndIterateLikeTheSerializedStoreWhenKeptUnderTheKeysBytes() throws IOException {
    compareUnderRandomOperations(
        new OrderedHeapKeyValueStore<>("s", Serdes.String(), Serdes.Long()), 500);
  }

  /**
   * Over three keys most operations repeat the previous one's key, which the ordered store answers
   * from the node it remembers: a delete, an insert or a restore in between must not leave it stale.
   */
  @Test
  void shouldAnswerLikeTheSerializedStoreWhenOperationsRepeatTheirKey() throws IOException {
    OrderedHeapKeyValueStore<String, Long> heap =
        new OrderedHeapKeyValueStore<>("s", Serdes.String(), Serdes.Long());
    compareUnderRandomOperations(heap, 3);

    heap.put("k1", 1L);
    assertThat(heap.get("k1")).isEqualTo(1L);
    InMemoryKeyValueStore<String, Long> other =
        new InMemoryKeyValueStore<>("s", Serdes.String(), Serdes.Long());
    other.put("k1", 2L);
    heap.readFrom(new DataInputStream(new ByteArrayInputStream(checkpoint(other))));
    assertThat(heap.get("k1")).isEqualTo(2L);
    heap.put("k1", 3L);
    assertThat(heap.get("k1")).isEqualTo(3L);
    assertThat(list(heap.all())).hasSize(1);
  }

  /** The ordered store keeps the key's bytes: an uncopied caller's array could change under it. */
  @Test
  void shouldRefuseByteArrayKeysForTheStoreUnderTheKeysBytes() {
    assertThatThrownBy(
            () -> coursepulse.engine.Stores.orderedHeapKeyValueStoreBuilder(
                "raw", Serdes.ByteArray(), Serdes.Long()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'raw'")
        .hasMessageContaining("heapKeyValueStoreBuilder");
  }

  @Test
  void shouldRestoreTheOrderedStoreFromAndIntoTheSerializedStoresCheckpoint() throws IOException {
    InMemoryKeyValueStore<String, Long> bytes =
        new InMemoryKeyValueStore<>("s", Serdes.String(), Serdes.Long());
    for (int i = 0; i < 1_000; i++) {
      bytes.put("key-" + i + (i % 7 == 0 ? "\uFB01" : i % 5 == 0 ? "\uD83D\uDE00" : ""), (long) i);
    }
    OrderedHeapKeyValueStore<String, Long> heap =
        new OrderedHeapKeyValueStore<>("s", Serdes.String(), Serdes.Long());
    heap.put("stale", 1L);
    heap.readFrom(new DataInputStream(new ByteArrayInputStream(checkpoint(bytes))));

    assertThat(heap.get("stale")).isNull();
    assertThat(heap.get("key-1")).isEqualTo(1L);
    assertThat(list(heap.all())).isEqualTo(list(bytes.all()));
    assertThat(checkpoint(heap)).isEqualTo(checkpoint(bytes));
  }

  private static <S extends KeyValueStore<String, Long> & CheckpointableStore>
      void compareUnderRandomOperations(S heap, int keys) throws IOException {
    InMemoryKeyValueStore<String, Long> bytes =
        new InMemoryKeyValueStore<>("s", Serdes.String(), Serdes.Long());
    Random random = new Random(3);
    for (int i = 0; i < 20_000; i++) {
      // keys with non-ASCII characters too: order must be the serialized (UTF-8 byte) order
      // U+FB01 sorts below a surrogate pair in UTF-8 bytes, above it in UTF-16 chars
      int odd = random.nextInt(20);
      String key =
          "k" + random.nextInt(keys)
              + (odd == 0 ? "\u00e9\uD83D\uDE00" : odd == 1 ? "\uFB01" : odd == 2 ? "\uD83D\uDE00" : "");
      switch (random.nextInt(4)) {
        case 0, 1 -> {
          long v = random.nextLong();
          heap.put(key, v);
          bytes.put(key, v);
        }
        case 2 -> assertThat(heap.delete(key)).isEqualTo(bytes.delete(key));
        default -> assertThat(heap.get(key)).isEqualTo(bytes.get(key));
      }
      if (i % 1_000 == 0) {
        String from = "k" + random.nextInt(500);
        String to = "k" + random.nextInt(500);
        assertThat(list(heap.range(from, to))).isEqualTo(list(bytes.range(from, to)));
        assertThat(list(heap.range(null, to))).isEqualTo(list(bytes.range(null, to)));
        assertThat(list(heap.range(from, null))).isEqualTo(list(bytes.range(from, null)));
      }
    }
    assertThat(heap.approximateNumEntries()).isEqualTo(bytes.approximateNumEntries());
    assertThat(list(heap.all())).isEqualTo(list(bytes.all()));
    assertThat(checkpoint(heap)).isEqualTo(checkpoint(bytes));
  }

  @Test
  void shouldRestoreFromAndIntoTheSerializedStoresCheckpoint() throws IOException {
    InMemoryKeyValueStore<String, Long> bytes =
        new InMemoryKeyValueStore<>("s", Serdes.String(), Serdes.Long());
    for (int i = 0; i < 1_000; i++) {
      bytes.put("key-" + i, (long) i * i);
    }
    HeapKeyValueStore<String, Long> heap =
        new HeapKeyValueStore<>("s", Serdes.String(), Serdes.Long());
    heap.put("stale", 1L);
    heap.readFrom(new DataInputStream(new ByteArrayInputStream(checkpoint(bytes))));

    assertThat(heap.get("stale")).isNull();
    assertThat(heap.get("key-77")).isEqualTo(77L * 77);
    assertThat(list(heap.all())).isEqualTo(list(bytes.all()));
    InMemoryKeyValueStore<String, Long> back =
        new InMemoryKeyValueStore<>("s", Serdes.String(), Serdes.Long());
    back.readFrom(new DataInputStream(new ByteArrayInputStream(checkpoint(heap))));
    assertThat(list(back.all())).isEqualTo(list(bytes.all()));
  }

  @Test
  void shouldHandOutTheStoredObjectWithoutACopy() {
    HeapKeyValueStore<String, List<String>> heap =
        new HeapKeyValueStore<>(
            "s", Serdes.String(),
            Serdes.from(l -> String.join(",", l).getBytes(), b -> List.of(new String(b).split(","))));
    List<String> value = new ArrayList<>(List.of("a"));
    heap.put("k", value);

    assertThat(heap.get("k")).isSameAs(value);
  }

  private static byte[] checkpoint(CheckpointableStore store) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.writeTo(new DataOutputStream(out));
    return out.toByteArray();
  }

  private static <K, V> List<String> list(Iterator<KeyValue<K, V>> it) {
    List<String> out = new ArrayList<>();
    it.forEachRemaining(kv -> out.add(kv.key() + "=" + kv.value()));
    return out;
  }

}
