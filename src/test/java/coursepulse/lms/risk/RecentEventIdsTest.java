package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serdes;
import coursepulse.engine.Stores;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** The in-place ring writes the byte form the store held before (the newest 64 hashes, oldest first). */
class RecentEventIdsTest {

  @Test
  void shouldCheckpointTheNewestHashesOldestFirstAndReadThemBack() {
    KeyValueStore<String, RecentEventIds> store =
        Stores.heapKeyValueStoreBuilder("ids", Serdes.String(), RecentEventIds.SERDE).build();
    for (int n = 1; n <= 150; n++) {
      assertThat(RecentEventIds.seenBefore(store, "s", "e-" + n)).isFalse();
      byte[] bytes = RecentEventIds.SERDE.serialize(store.get("s"));
      ByteBuffer expected = ByteBuffer.allocate(Math.min(n, RecentEventIds.PER_KEY) * Long.BYTES);
      for (int i = Math.max(1, n - RecentEventIds.PER_KEY + 1); i <= n; i++) {
        expected.putLong(RecentEventIds.hash("e-" + i));
      }
      assertThat(bytes).as("after %d events", n).isEqualTo(expected.array());
      assertThat(RecentEventIds.SERDE.serialize(RecentEventIds.SERDE.deserialize(bytes)))
          .isEqualTo(bytes);
    }
    assertThat(RecentEventIds.seenBefore(store, "s", "e-150")).isTrue();
    assertThat(RecentEventIds.seenBefore(store, "s", "e-" + (150 - RecentEventIds.PER_KEY + 1)))
        .isTrue();
    assertThat(RecentEventIds.seenBefore(store, "s", "e-" + (150 - RecentEventIds.PER_KEY))).isFalse();
  }
}
