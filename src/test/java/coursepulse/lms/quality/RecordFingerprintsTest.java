package coursepulse.lms.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordFingerprintsTest {
  private static final Instant T = Instant.parse("2013-10-07T00:00:00Z");

  @Test
  void shouldTellARecordSeenBeforeFromANewOneAcrossGrowth() {
    RecordFingerprints seen = new RecordFingerprints();
    int n = 300_000; // several times the initial table
    for (int i = 0; i < n; i++) {
      assertThat(seen.add("s" + i / 100, "AAA-2013J", T.plusSeconds(i % 100 * 86_400L), 0.5))
          .isTrue();
    }
    for (int i = 0; i < n; i += 997) {
      assertThat(seen.add("s" + i / 100, "AAA-2013J", T.plusSeconds(i % 100 * 86_400L), 0.5))
          .isFalse();
    }
    // Another score at the same time is another record; ids do not run into each other.
    assertThat(seen.add("s0", "AAA-2013J", T, 0.25)).isTrue();
    assertThat(seen.add("s1", "1AAA-2013J", T, 0.5)).isTrue();
    assertThat(seen.add("s", "11AAA-2013J", T, 0.5)).isTrue();
  }
}
