package coursepulse.engine.internal;

import static coursepulse.engine.internal.CheckpointBytes.payload;
import static coursepulse.engine.internal.CheckpointBytes.restore;
import static coursepulse.engine.internal.CheckpointBytes.whole;
import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import java.io.ByteArrayInputStream;

import java.io.DataInputStream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The heap timer queue against a sorted set of the same timers under random schedules and
 * cancels, and its incremental checkpoints: a chain of changes restores the timers scheduled at
 * the last one, also when the task cancels a timer before the checkpoint's thread wrote it.
 */
class HeapTimerQueueTest {

  record Tm(long due, String id) {}

  private static final Serde<Tm> SERDE =
      Serdes.from(
          t -> {
            byte[] id = t.id().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(8 + id.length).putLong(t.due()).put(id).array();
          },
          b -> new Tm(ByteBuffer.wrap(b).getLong(), new String(b, 8, b.length - 8, StandardCharsets.UTF_8)));

  private static final Comparator<Tm> FIRING =
      Comparator.comparingLong(Tm::due).thenComparing(Tm::id);

  private static HeapTimerQueue<Tm> queue() {
    return new HeapTimerQueue<>("timers", SERDE, Tm::due, Comparator.comparing(Tm::id));
  }

  private static HeapTimerQueue<Tm> restored(List<byte[]> chain) throws IOException {
    HeapTimerQueue<Tm> q = queue();
    restore(q, chain);
    return q;
  }

  @Test
  void shouldReturnDueTimersEarliestFirstWithTiesInTheGivenOrderAndKeepThemScheduled() {
    HeapTimerQueue<Tm> q = queue();
    assertThat(q.schedule(new Tm(30, "b"))).isTrue();
    assertThat(q.schedule(new Tm(10, "z"))).isTrue();
    assertThat(q.schedule(new Tm(30, "a"))).isTrue();
    assertThat(q.schedule(new Tm(50, "a"))).isTrue();
    assertThat(q.schedule(new Tm(30, "b"))).as("already scheduled").isFalse();

    assertThat(q.nextDue()).isEqualTo(10);
    assertThat(q.dueBy(9)).isEmpty();
    assertThat(q.dueBy(30)).containsExactly(new Tm(10, "z"), new Tm(30, "a"), new Tm(30, "b"));
    assertThat(q.size()).as("dueBy removes nothing").isEqualTo(4);

    assertThat(q.cancel(new Tm(10, "z"))).isTrue();
    assertThat(q.cancel(new Tm(10, "z"))).isFalse();
    assertThat(q.isScheduled(new Tm(30, "a"))).isTrue();
    assertThat(q.nextDue()).isEqualTo(30);
    assertThat(q.dueBy(Long.MAX_VALUE))
        .containsExactly(new Tm(30, "a"), new Tm(30, "b"), new Tm(50, "a"));
  }

  @Test
  void shouldAgreeWithASortedSetUnderRandomSchedulesAndCancels() {
    HeapTimerQueue<Tm> q = queue();
    TreeSet<Tm> expected = new TreeSet<>(FIRING);
    Random random = new Random(11);
    for (int i = 0; i < 20_000; i++) {
      Tm t = new Tm(random.nextInt(500), "t" + random.nextInt(40));
      if (random.nextInt(3) == 0) {
        assertThat(q.cancel(t)).isEqualTo(expected.remove(t));
      } else {
        assertThat(q.schedule(t)).isEqualTo(expected.add(t));
      }
      assertThat(q.size()).isEqualTo(expected.size());
      assertThat(q.nextDue()).isEqualTo(expected.isEmpty() ? Long.MAX_VALUE : expected.first().due());
      if (i % 97 == 0) {
        long now = random.nextInt(520);
        assertThat(q.dueBy(now)).containsExactlyElementsOf(expected.headSet(new Tm(now, "\uffff")));
      }
    }
  }

  @Test
  void shouldRestoreTheTimersScheduledAtTheLastCheckpointOfAChain() throws IOException {
    HeapTimerQueue<Tm> q = queue();
    Random random = new Random(5);
    List<byte[]> chain = new ArrayList<>();
    for (int i = 1; i <= 6_000; i++) {
      Tm t = new Tm(random.nextInt(1_000), "t" + random.nextInt(30));
      if (random.nextInt(3) == 0) {
        q.cancel(t);
      } else {
        q.schedule(t);
      }
      if (i % 900 == 0) {
        chain.add(payload(q.takeChanges()));
        HeapTimerQueue<Tm> r = restored(chain);
        assertThat(whole(r)).as("after %d operations", i).isEqualTo(whole(q));
        assertThat(r.dueBy(Long.MAX_VALUE)).isEqualTo(q.dueBy(Long.MAX_VALUE));
      }
    }
    assertThat(chain).hasSizeGreaterThan(5);
    assertThat(q.size()).isGreaterThan(1_000);
  }

  @Test
  void shouldKeepATimerInTheSnapshotThoughCancelledBeforeTheSnapshotWasWritten() throws IOException {
    HeapTimerQueue<Tm> q = queue();
    q.schedule(new Tm(1, "a"));
    q.schedule(new Tm(2, "b"));
    StoreChanges first = q.takeChanges();
    // The task goes on while the checkpoint's thread has not written the snapshot yet.
    q.cancel(new Tm(1, "a"));
    q.schedule(new Tm(3, "c"));
    List<byte[]> chain = new ArrayList<>(List.of(payload(first)));
    assertThat(restored(chain).dueBy(Long.MAX_VALUE)).containsExactly(new Tm(1, "a"), new Tm(2, "b"));

    chain.add(payload(q.takeChanges()));
    assertThat(restored(chain).dueBy(Long.MAX_VALUE)).containsExactly(new Tm(2, "b"), new Tm(3, "c"));
  }

  @Test
  void shouldWriteEverythingAfterMarkAllChangedAndRoundTripAWholeSnapshot() throws IOException {
    HeapTimerQueue<Tm> q = queue();
    for (int i = 0; i < 100; i++) {
      q.schedule(new Tm(100 - i, "t" + i));
    }
    q.takeChanges();
    q.markAllChanged();
    assertThat(restored(List.of(payload(q.takeChanges()))).size()).isEqualTo(100);

    HeapTimerQueue<Tm> r = queue();
    r.readFrom(new DataInputStream(new ByteArrayInputStream(whole(q))));
    assertThat(r.dueBy(Long.MAX_VALUE)).isEqualTo(q.dueBy(Long.MAX_VALUE));
    assertThat(r.takeChanges().isEmpty()).as("a restored queue has no changes").isTrue();
  }
}
