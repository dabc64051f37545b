package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link StreamTimeGuard} alone: per-source references, decisions, release at an input's end. */
class StreamTimeGuardUnitTest {

  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;

  private final List<String> admitted = new ArrayList<>();
  private final List<String> rejected = new ArrayList<>();
  private final StreamTimeGuard<String> guard =
      new StreamTimeGuard<>(
          DAY, 2,
          new StreamTimeGuard.Outcome<>() {
            @Override
            public void admit(int source, String record) {
              admitted.add(record);
            }

            @Override
            public void reject(
                int source, String record, long eventTime, long referenceTime, long limitMs) {
              rejected.add(record + " ref=" + referenceTime);
            }
          });

  @Test
  void shouldJudgeARecordAgainstItsOwnSourceNotAgainstAnotherSourceReadAhead() {
    guard.offer(0, "e0", 0);
    guard.offer(0, "e-late", 10 * DAY - HOUR); // the other source's read-ahead: held on its own
    guard.offer(0, "e-later", 10 * DAY); // ... a jump: admitted, observed is now day 10
    guard.offer(1, "a1", HOUR);
    guard.offer(1, "wrong", 8 * DAY); // a week ahead of its own source, though not of source 0
    assertThat(guard.held(1)).isEqualTo("wrong");
    guard.offer(1, "a2", 2 * HOUR);

    assertThat(admitted).containsExactly("e0", "e-late", "e-later", "a1", "a2");
    assertThat(rejected).containsExactly("wrong ref=" + HOUR);
  }

  @Test
  void shouldAdmitAHeldRecordAndJudgeTheNextAgainstItWhenTimeReallyJumped() {
    guard.offer(0, "a", 0);
    guard.offer(0, "b", 5 * DAY);
    guard.offer(0, "c", 7 * DAY); // beyond the limit of a too: b admitted, c judged against b
    assertThat(admitted).containsExactly("a", "b");
    assertThat(guard.held(0)).isEqualTo("c");
    guard.offer(0, "d", 7 * DAY + HOUR);
    assertThat(admitted).containsExactly("a", "b", "c", "d");
    assertThat(rejected).isEmpty();
  }

  @Test
  void shouldReleaseByCatchUpOnlyOnceTheSourceIsAtItsEnd() {
    guard.offer(0, "last", 5 * DAY); // first of source 0: nothing to judge it against
    guard.offer(0, "held", 9 * DAY);
    guard.offer(1, "b", 8 * DAY + 12 * HOUR); // caught up, but source 0 may have more
    assertThat(guard.held(0)).as("not at its end: its next record decides").isEqualTo("held");

    guard.atEnd(0);
    assertThat(guard.held(0)).isNull();
    assertThat(admitted).containsExactly("last", "b", "held");
  }

  @Test
  void shouldReleaseAtTheEndWhenTheOtherSourcesCatchUpLater() {
    guard.offer(0, "x", 0);
    guard.offer(1, "y", 0);
    guard.offer(0, "ahead", 3 * DAY);
    guard.atEnd(0);
    assertThat(guard.held(0)).as("nothing within a day of it yet").isEqualTo("ahead");
    guard.offer(1, "y1", DAY);
    assertThat(guard.held(0)).isEqualTo("ahead");
    guard.offer(1, "y2", 2 * DAY); // within the limit: released before y2 is processed
    assertThat(admitted).containsExactly("x", "y", "y1", "y2", "ahead");
  }

  @Test
  void shouldForgetTheEndWhenTheSourceContinues() {
    guard.offer(0, "x", 0);
    guard.offer(1, "y", 0);
    guard.offer(0, "ahead", 3 * DAY);
    guard.atEnd(0);
    guard.offer(0, "x1", HOUR); // the next record came: it decides, ahead was an outlier
    guard.offer(1, "y1", 3 * DAY); // (would have caught up)
    assertThat(rejected).containsExactly("ahead ref=0");
    assertThat(admitted).containsExactly("x", "y", "x1");
    assertThat(guard.held(1)).as("y1 is three days ahead of y").isEqualTo("y1");
  }

  @Test
  void shouldJudgeEverySourceAgainstARestoredStreamTimeAtLeast() {
    guard.floor(10 * DAY);
    guard.offer(1, "late", 2 * DAY); // behind the floor: admitted, the reference stays
    guard.offer(1, "near", 10 * DAY + 12 * HOUR);
    guard.offer(0, "far", 12 * DAY); // the first of source 0, two days past the restored time
    assertThat(admitted).containsExactly("late", "near");
    assertThat(guard.held(0)).isEqualTo("far");
    assertThat(guard.referenceTime(0)).isEqualTo(10 * DAY);
    assertThat(guard.referenceTime(1)).isEqualTo(10 * DAY + 12 * HOUR);
  }
}
