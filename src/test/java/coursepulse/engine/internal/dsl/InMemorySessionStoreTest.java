package coursepulse.engine.internal.dsl;

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

class InMemorySessionStoreTest {

  private static InMemorySessionStore<String, Long> store(long retentionMs) {
    return new InMemorySessionStore<>("s", retentionMs, Serdes.String(), Serdes.Long());
  }

  private static <T> List<T> list(Iterator<T> it) {
    List<T> out = new ArrayList<>();
    it.forEachRemaining(out::add);
    return out;
  }

  @Test
  void shouldFindSessionsOverlappingTheRangeOrderedByEndThenStart() {
    InMemorySessionStore<String, Long> store = store(1_000);
    store.put(new Windowed<>("a", new Window(0, 10)), 1L);
    store.put(new Windowed<>("a", new Window(5, 8)), 2L);
    store.put(new Windowed<>("a", new Window(30, 40)), 3L);
    store.put(new Windowed<>("b", new Window(0, 10)), 4L);
    assertThat(list(store.findSessions("a", 8, 20)))
        .extracting(KeyValue::value)
        .containsExactly(2L, 1L);
  }

  @Test
  void shouldHideSessionsEndingAtOrBeforeObservedStreamTimeMinusRetention() {
    InMemorySessionStore<String, Long> store = store(10);
    store.put(new Windowed<>("a", new Window(0, 5)), 1L);
    store.put(new Windowed<>("a", new Window(15, 15)), 2L);
    assertThat(list(store.findSessions("a", 0, 100))).extracting(KeyValue::value).containsExactly(2L);
    assertThat(store.approximateNumEntries()).isEqualTo(1);
  }

  @Test
  void shouldRestoreTheSameContentFromACheckpoint() throws IOException {
    InMemorySessionStore<String, Long> store = store(100);
    store.put(new Windowed<>("b", new Window(1, 2)), 7L);
    store.put(new Windowed<>("a", new Window(1, 2)), 8L);
    store.put(new Windowed<>("a", new Window(20, 30)), 9L);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    store.writeTo(new DataOutputStream(bytes));

    InMemorySessionStore<String, Long> restored = store(100);
    restored.readFrom(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));

    assertThat(list(restored.all())).containsExactlyInAnyOrderElementsOf(list(store.all()));
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    restored.writeTo(new DataOutputStream(again));
    assertThat(again.toByteArray()).isEqualTo(bytes.toByteArray());
  }
}
