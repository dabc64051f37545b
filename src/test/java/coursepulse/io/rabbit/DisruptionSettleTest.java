package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The rule that holds a reader behind after a disruption of its log, on clocks the test moves: a
 * fixed minimum, then until the reader has received a chunk written since, for a maximum.
 */
class DisruptionSettleTest {

  private long nanos = TimeUnit.SECONDS.toNanos(1_000);
  private long wallMillis = 1_700_000_000_000L;

  private final DisruptionSettle settle =
      new DisruptionSettle(
          Duration.ofSeconds(5), Duration.ofSeconds(30), () -> nanos, () -> wallMillis);

  private void advance(Duration d) {
    nanos += d.toNanos();
    wallMillis += d.toMillis();
  }

  private boolean held(long newestChunkMillis) {
    return settle.hold(newestChunkMillis) != DisruptionSettle.Hold.NONE;
  }

  @Test
  void shouldHoldNothingBackBeforeAnyDisruption() {
    assertThat(held(Long.MIN_VALUE)).isFalse();
    advance(Duration.ofHours(1));
    assertThat(held(Long.MIN_VALUE)).isFalse();
  }

  @Test
  void shouldHoldEveryReaderBackForTheMinimumWhateverItReceived() {
    settle.lost();
    long disruptedAt = wallMillis;
    advance(Duration.ofMillis(4_999));
    assertThat(held(disruptedAt + 1_000)).as("fresh chunk, within the minimum").isTrue();
    advance(Duration.ofMillis(1));
    assertThat(held(disruptedAt + 1_000)).as("fresh chunk, minimum over").isFalse();
  }

  @Test
  void shouldHoldAReaderWithoutAChunkWrittenSinceTheDisruptionBackUntilTheMaximum() {
    long before = wallMillis - 1; // a chunk written just before the disruption
    settle.lost();
    advance(Duration.ofSeconds(10));
    assertThat(held(before)).as("a replica still serving old chunks").isTrue();
    assertThat(held(Long.MIN_VALUE)).as("nothing received yet").isTrue();
    advance(Duration.ofMillis(19_999));
    assertThat(held(before)).isTrue();
    advance(Duration.ofMillis(1));
    assertThat(held(before)).as("the maximum is over: a stream with nothing new").isFalse();
  }

  @Test
  void shouldReleaseAReaderOnceItReceivedAChunkWrittenAtOrAfterTheDisruption() {
    settle.lost();
    long disruptedAt = wallMillis;
    advance(Duration.ofSeconds(7));
    assertThat(held(disruptedAt - 1)).isTrue();
    assertThat(held(disruptedAt)).isFalse();
    assertThat(held(disruptedAt + 6_000)).isFalse();
  }

  @Test
  void shouldRestartTheWaitAtARecoveryButJudgeFreshnessFromTheLoss() {
    long beforeTheLoss = wallMillis - 1;
    settle.lost();
    advance(Duration.ofSeconds(8));
    long betweenTheTwo = wallMillis; // written by a new leader after the loss
    advance(Duration.ofSeconds(1));
    settle.regained(); // the subscription is back: its member may still be catching up
    advance(Duration.ofSeconds(4));
    assertThat(held(betweenTheTwo)).as("within the minimum after the recovery").isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(held(betweenTheTwo)).as("written since the loss").isFalse();
    assertThat(held(beforeTheLoss)).isTrue();
    advance(Duration.ofSeconds(24));
    assertThat(held(beforeTheLoss)).as("29 s after the recovery").isTrue();
    advance(Duration.ofSeconds(1));
    assertThat(held(beforeTheLoss)).as("30 s after the recovery").isFalse();
  }

  @Test
  void shouldHoldBackOnlyForTheMinimumAfterARecoveryWithoutALoss() {
    settle.regained();
    advance(Duration.ofMillis(4_999));
    assertThat(held(Long.MIN_VALUE)).isTrue();
    advance(Duration.ofMillis(1));
    assertThat(held(Long.MIN_VALUE)).isFalse();
  }

  @Test
  void shouldSayWhyAReaderIsHeldAndCountTheDisruptions() {
    assertThat(settle.hold(Long.MIN_VALUE)).isEqualTo(DisruptionSettle.Hold.NONE);
    assertThat(settle.disruptions()).isZero();
    settle.lost();
    long lostAt = wallMillis;
    assertThat(settle.hold(lostAt)).isEqualTo(DisruptionSettle.Hold.SETTLING);
    advance(Duration.ofSeconds(5));
    assertThat(settle.hold(lostAt - 1)).isEqualTo(DisruptionSettle.Hold.AWAITING_FRESH_CHUNK);
    assertThat(settle.hold(lostAt)).isEqualTo(DisruptionSettle.Hold.NONE);
    assertThat(settle.writtenSinceLoss(lostAt)).isTrue();
    assertThat(settle.writtenSinceLoss(lostAt - 1)).isFalse();
    settle.regained();
    assertThat(settle.disruptions()).isEqualTo(2);
  }

  @Test
  void shouldHoldEachReaderByWhatItReceived() {
    DisruptionSettle.ReaderWait fresh = settle.readerWait("02-Login");
    DisruptionSettle.ReaderWait stale = settle.readerWait("01-Enrollment");
    assertThat(fresh.holds(Long.MIN_VALUE)).isFalse();
    settle.lost();
    long lostAt = wallMillis;
    advance(Duration.ofSeconds(6));
    assertThat(fresh.holds(lostAt + 10)).isFalse();
    assertThat(stale.holds(lostAt - 10)).isTrue();
    assertThat(stale.holds(lostAt - 10)).as("asked again").isTrue();
    advance(Duration.ofSeconds(24));
    assertThat(stale.holds(lostAt - 10)).as("the maximum").isFalse();
  }

  @Test
  void shouldRefuseAMaximumShorterThanTheMinimum() {
    assertThatThrownBy(() -> new DisruptionSettle(Duration.ofSeconds(5), Duration.ofSeconds(4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be shorter");
  }
}
