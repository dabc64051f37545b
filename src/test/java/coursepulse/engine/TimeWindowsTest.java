package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimeWindowsTest {

  @Test
  void shouldPutARecordInOneTumblingWindow() {
    assertThat(TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10)).windowsFor(25))
        .containsExactly(java.util.Map.entry(20L, new Window(20, 30)));
  }

  @Test
  void shouldPutARecordInEveryHoppingWindowContainingIt() {
    assertThat(
            TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10))
                .advanceBy(Duration.ofMillis(4))
                .windowsFor(13)
                .values())
        .containsExactly(new Window(4, 14), new Window(8, 18), new Window(12, 22));
  }

  @Test
  void shouldNotStartWindowsBeforeTheEpoch() {
    assertThat(
            TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10))
                .advanceBy(Duration.ofMillis(5))
                .windowsFor(3)
                .values())
        .containsExactly(new Window(0, 10));
  }

  @Test
  void shouldRejectAnAdvanceLargerThanTheSizeOrANegativeGrace() {
    assertThatThrownBy(() -> TimeWindows.ofSizeWithNoGrace(Duration.ofMillis(10)).advanceBy(Duration.ofMillis(11)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TimeWindows.ofSizeAndGrace(Duration.ofMillis(10), Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SessionWindows.ofInactivityGapWithNoGrace(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
