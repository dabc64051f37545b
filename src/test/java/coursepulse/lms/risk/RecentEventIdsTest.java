package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serdes;
import coursepulse.engine.Stores;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/**
 * The in-place ring checkpoints the newest 64 fingerprints oldest first, and reads the earlier
 * form (64-bit hashes) as their fingerprints.
 */
class RecentEventIdsTest {

  @Test
  void shouldCheckpointTheNewestFingerprintsOldestFirstAndReadThemBack() {
    KeyValueStore<String, RecentEventIds> store =
        Stores.heapKeyValueStoreBuilder("ids", Serdes.String(), RecentEventIds.SERDE).build();
    for (int n = 1; n <= 150; n++) {
      assertThat(RecentEventIds.seenBefore(store, "s", "e-" + n)).isFalse();
      byte[] bytes = RecentEventIds.SERDE.serialize(store.get("s"));
      ByteBuffer expected = ByteBuffer.allocate(1 + Math.min(n, RecentEventIds.PER_KEY) * Integer.BYTES);
      expected.put(RecentEventIds.FORMAT_32);
      for (int i = Math.max(1, n - RecentEventIds.PER_KEY + 1); i <= n; i++) {
        expected.putInt(RecentEventIds.fingerprint(RecentEventIds.hash("e-" + i)));
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

  @Test
  void shouldRecogniseTheIdsOfACheckpointWrittenWith64BitHashes() {
    // The earlier form: 70 hashes (more than a ring keeps), oldest first, no format byte.
    ByteBuffer old = ByteBuffer.allocate(70 * Long.BYTES);
    for (int i = 1; i <= 70; i++) {
      old.putLong(RecentEventIds.hash("e-" + i));
    }
    KeyValueStore<String, RecentEventIds> store =
        Stores.heapKeyValueStoreBuilder("ids", Serdes.String(), RecentEventIds.SERDE).build();
    store.put("s", RecentEventIds.SERDE.deserialize(old.array()));

    assertThat(RecentEventIds.seenBefore(store, "s", "e-70")).as("the newest").isTrue();
    assertThat(RecentEventIds.seenBefore(store, "s", "e-7")).as("the oldest kept").isTrue();
    assertThat(RecentEventIds.seenBefore(store, "s", "e-6")).as("beyond the bound").isFalse();
    assertThat(RecentEventIds.SERDE.serialize(RecentEventIds.SERDE.deserialize(new byte[0])))
        .containsExactly(RecentEventIds.FORMAT_32);
  }

  @Test
  void shouldRefuseBytesOfNeitherForm() {
    assertThatThrownBy(() -> RecentEventIds.SERDE.deserialize(new byte[] {9, 0, 0, 0, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format byte 9");
    assertThatThrownBy(() -> RecentEventIds.SERDE.deserialize(new byte[] {2, 0, 0}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldKeepTheHashOfTheUtf8BytesForAsciiAndOtherIds() {
    // values of the byte-array FNV-1a the checkpoints were written with
    assertThat(RecentEventIds.hash("")).isEqualTo(-1166397803181037274L);
    assertThat(RecentEventIds.hash("e-1")).isEqualTo(-2924598301512841663L);
    assertThat(RecentEventIds.hash("7f3c2a9e-0b1d-4c5e-9a8f-123456789abc"))
        .isEqualTo(-5063074494379500442L);
    assertThat(RecentEventIds.hash("\u00e9-\u00fc-\u20ac")).isEqualTo(-4847023405094263816L);
    assertThat(RecentEventIds.hash("a\uD83D\uDE00b")).isEqualTo(341034401538691508L);
    assertThat(RecentEventIds.hash("x\u007f\u0080")).isEqualTo(7890568115551463588L);
  }
}
