package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.KeyValue;
import coursepulse.engine.Serdes;
import coursepulse.engine.Window;
import coursepulse.engine.Windowed;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryStoresTest {

  private static <T> List<T> list(Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  private static byte[] snapshot(CheckpointableStore s) throws IOException {
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    s.writeTo(new DataOutputStream(bos));
    return bos.toByteArray();
  }

  @Test
  void shouldIterateKeyValueStoreInSerializedKeyOrderAndRange() {
    InMemoryKeyValueStore<String, Long> s =
        new InMemoryKeyValueStore<>("kv", Serdes.String(), Serdes.Long());
    s.put("c", 3L);
    s.put("a", 1L);
    s.put("b", 2L);
    s.put("d", 4L);
    s.put("d", null);
    assertThat(list(s.all()))
        .containsExactly(KeyValue.pair("a", 1L), KeyValue.pair("b", 2L), KeyValue.pair("c", 3L));
    assertThat(list(s.range("b", null))).extracting(KeyValue::key).containsExactly("b", "c");
    assertThat(s.delete("a")).isEqualTo(1L);
    assertThat(s.get("a")).isNull();
    assertThat(s.approximateNumEntries()).isEqualTo(2);
  }

  @Test
  void shouldRestoreKeyValueStoreFromItsSnapshot() throws IOException {
    InMemoryKeyValueStore<String, Long> s =
        new InMemoryKeyValueStore<>("kv", Serdes.String(), Serdes.Long());
    s.put("x", 7L);
    s.put("y", 8L);
    byte[] snap = snapshot(s);
    InMemoryKeyValueStore<String, Long> r =
        new InMemoryKeyValueStore<>("kv", Serdes.String(), Serdes.Long());
    r.put("stale", 1L);
    r.readFrom(new DataInputStream(new ByteArrayInputStream(snap)));
    assertThat(list(r.all())).isEqualTo(list(s.all()));
    assertThat(snapshot(r)).isEqualTo(snap);
  }

  @Test
  void shouldFetchWindowsOfAKeyByStartTime() {
    InMemoryWindowStore<String, Long> s =
        new InMemoryWindowStore<>("w", 100, 10, Serdes.String(), Serdes.Long());
    s.put("k", 1L, 0);
    s.put("k", 2L, 10);
    s.put("k", 3L, 20);
    s.put("other", 9L, 10);
    assertThat(s.fetch("k", 10)).isEqualTo(2L);
    assertThat(list(s.fetch("k", 5, 20)))
        .containsExactly(
            KeyValue.pair(new Windowed<>("k", new Window(10, 20)), 2L),
            KeyValue.pair(new Windowed<>("k", new Window(20, 30)), 3L));
    assertThat(list(s.fetchAll(10, 10))).extracting(kv -> kv.key().key()).containsExactly("k", "other");
    s.put("k", null, 10);
    assertThat(s.fetch("k", 10)).isNull();
    assertThat(s.approximateNumEntries()).isEqualTo(3);
  }

  @Test
  void shouldDropWindowsOlderThanRetentionAsStreamTimeAdvances() {
    InMemoryWindowStore<String, Long> s =
        new InMemoryWindowStore<>("w", 30, 10, Serdes.String(), Serdes.Long());
    for (long start = 0; start <= 40; start += 10) {
      s.put("k", start, start);
    }
    s.observeStreamTime(45); // keeps starts > 15
    assertThat(list(s.all())).extracting(kv -> kv.key().window().startMs()).containsExactly(20L, 30L, 40L);
    assertThat(s.approximateNumEntries()).isEqualTo(3);
    s.put("k", 99L, 10); // expired window: ignored
    assertThat(s.fetch("k", 10)).isNull();
    s.observeStreamTime(50); // start 20 <= 50 - 30 is dropped
    assertThat(s.fetch("k", 20)).isNull();
    assertThat(list(s.fetch("k", 0, 100))).hasSize(2);
  }

  @Test
  void shouldRestoreWindowStoreWithItsStreamTime() throws IOException {
    InMemoryWindowStore<String, Long> s =
        new InMemoryWindowStore<>("w", 30, 10, Serdes.String(), Serdes.Long());
    s.put("a", 1L, 10);
    s.put("b", 2L, 20);
    s.observeStreamTime(35);
    byte[] snap = snapshot(s);
    InMemoryWindowStore<String, Long> r =
        new InMemoryWindowStore<>("w", 30, 10, Serdes.String(), Serdes.Long());
    r.readFrom(new DataInputStream(new ByteArrayInputStream(snap)));
    assertThat(list(r.all())).isEqualTo(list(s.all()));
    r.put("c", 3L, 0); // still expired after restore
    assertThat(r.fetch("c", 0)).isNull();
    assertThat(r.approximateNumEntries()).isEqualTo(2);
  }
}
