package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessingOrderTest {

  private static final int M = ProcessingOrder.MERGED;
  private static final Map<String, Long> IDS = Map.of("out", 1L);

  private static Map<String, Long> at(long offset) {
    return Map.of("in-a", offset, "in-b", -1L);
  }

  private static void take(ProcessingOrder order, int... kinds) {
    for (int k : kinds) {
      order.taking(k);
    }
  }

  /** One kind per record, from the runs. */
  private static List<Integer> records(byte[] runs) {
    if (runs == null) {
      return null;
    }
    List<Integer> out = new ArrayList<>();
    for (byte run : runs) {
      out.addAll(Collections.nCopies(ProcessingOrder.length(run), ProcessingOrder.kind(run)));
    }
    return out;
  }

  @Test
  void shouldGiveWhatWasTakenSinceTheCheckpointAtTheRestoredPositions() {
    ProcessingOrder order = new ProcessingOrder(100);
    order.since(at(0), IDS);
    take(order, M, M, 0, 1, 1);
    order.checkpointed(at(1), IDS);
    take(order, 1, 0, M);

    // an older checkpoint (the last one's write failed): everything since it
    assertThat(records(order.since(at(0), IDS))).containsExactly(M, M, 0, 1, 1, 1, 0, M);
  }

  @Test
  void shouldShareABytePerRunButNeverAcrossACheckpoint() {
    ProcessingOrder order = new ProcessingOrder(100);
    order.since(at(0), IDS);
    for (int i = 0; i < 70; i++) {
      order.taking(M);
    }
    take(order, 2, 2);
    order.checkpointed(at(1), IDS);
    take(order, 2);
    byte[] runs = order.since(at(0), IDS);
    assertThat(runs).hasSize(5); // 31 + 31 + 8 merged, 2 from source 2, then 1 after the mark
    assertThat(records(runs)).hasSize(73).endsWith(M, 2, 2, 2);
  }

  @Test
  void shouldStartRecordingFromTheRestoredCheckpointWithTheOrderToFollowIn() {
    ProcessingOrder order = new ProcessingOrder(100);
    order.since(at(0), IDS);
    take(order, 0, 1);
    assertThat(records(order.since(at(0), IDS))).containsExactly(0, 1);
    // a second failure while the rebuilt task follows it: the whole order again
    assertThat(records(order.since(at(0), IDS))).containsExactly(0, 1);
    // what the task takes after following it comes after it, in a run of its own
    take(order, 1, 0);
    assertThat(order.since(at(0), IDS)).hasSize(4);
    assertThat(records(order.since(at(0), IDS))).containsExactly(0, 1, 1, 0);
  }

  @Test
  void shouldNotKnowTheOrderSinceACheckpointItDidNotSeeOrWithOtherIds() {
    ProcessingOrder order = new ProcessingOrder(100);
    order.since(at(0), IDS);
    take(order, 0, 1);
    assertThat(order.since(at(7), IDS)).isNull();
    take(order, 1);
    assertThat(order.since(at(7), Map.of("out", 2L))).isNull();
  }

  /** Checkpoints at 0 to 4, one record between each two and one after the last. */
  private static ProcessingOrder fiveCheckpoints() {
    ProcessingOrder order = new ProcessingOrder(100);
    order.since(at(0), IDS);
    for (int k = 1; k <= 4; k++) {
      take(order, k % 2);
      order.checkpointed(at(k), IDS);
    }
    take(order, 0);
    return order;
  }

  @Test
  void shouldKeepTheLastThreeCheckpoints() {
    assertThat(fiveCheckpoints().since(at(1), IDS)).as("dropped").isNull();
    assertThat(records(fiveCheckpoints().since(at(2), IDS))).containsExactly(1, 0, 0);
    assertThat(records(fiveCheckpoints().since(at(4), IDS))).containsExactly(0);
  }

  @Test
  void shouldNotKnowAnOrderCutShortByItsCapacityUntilTheNextCheckpoint() {
    ProcessingOrder order = new ProcessingOrder(4);
    order.since(at(0), IDS);
    take(order, 0, 1, 0, 1, 0);
    assertThat(order.since(at(0), IDS)).as("cut short").isNull();

    take(order, 0, 1, 0, 1, 0);
    order.checkpointed(at(5), IDS);
    take(order, 1, 1);
    assertThat(records(order.since(at(5), IDS))).containsExactly(1, 1);
  }

  @Test
  void shouldRecordOnlyTasksOfUpToSevenSources() {
    assertThat(ProcessingOrder.supports(7)).isTrue();
    assertThat(ProcessingOrder.supports(8)).isFalse();
  }

  @TempDir Path stateDir;

  /** An order over the files in the test's state directory, as a new process would make. */
  private ProcessingOrder fromFiles(int capacity) {
    return new ProcessingOrder(capacity, ProcessingOrder.directory(stateDir));
  }

  @Test
  void shouldFindWhatAProcessThatDiedTookInTheFilesItLeft() {
    ProcessingOrder died = fromFiles(100);
    died.since(at(0), IDS);
    take(died, M, 0);
    died.checkpointed(at(1), IDS);
    take(died, 1, 1, 0);

    assertThat(records(fromFiles(100).since(at(1), IDS))).containsExactly(1, 1, 0);
  }

  @Test
  void shouldFindItAgainAfterASecondDeathWhileFollowingIt() {
    ProcessingOrder died = fromFiles(100);
    died.since(at(0), IDS);
    take(died, M, 0);
    died.checkpointed(at(1), IDS);
    take(died, 1);

    // the older checkpoint (the newer one was garbled): its order runs on through the next file
    assertThat(records(fromFiles(100).since(at(0), IDS))).containsExactly(M, 0, 1);
    ProcessingOrder diedAgain = fromFiles(100);
    assertThat(records(diedAgain.since(at(0), IDS))).containsExactly(M, 0, 1);
    take(diedAgain, 0);
    assertThat(records(fromFiles(100).since(at(0), IDS))).containsExactly(M, 0, 1, 0);
  }

  @Test
  void shouldIgnoreAFileWhoseHeaderWasNotCompleted() throws Exception {
    ProcessingOrder died = fromFiles(100);
    died.since(at(0), IDS);
    take(died, 0, 1);
    try (var files = Files.list(ProcessingOrder.directory(stateDir))) {
      for (Path f : files.toList()) {
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
          ch.write(java.nio.ByteBuffer.allocate(4), 0); // no magic number
        }
      }
    }
    assertThat(fromFiles(100).since(at(0), IDS)).isNull();
  }

  @Test
  void shouldLeaveNoFileToFollowWhenTheCapacityWasExceeded() {
    ProcessingOrder died = fromFiles(2);
    died.since(at(0), IDS);
    take(died, 0, 1, 0);
    assertThat(fromFiles(2).since(at(0), IDS)).isNull();
  }

  @Test
  void shouldKeepTheFilesOfTheLastThreeCheckpoints() throws Exception {
    ProcessingOrder order = fromFiles(100);
    order.since(at(0), IDS);
    for (int k = 1; k <= 5; k++) {
      take(order, k % 2);
      order.checkpointed(at(k), IDS);
    }
    try (var files = Files.list(ProcessingOrder.directory(stateDir))) {
      assertThat(files.count()).isEqualTo(3);
    }
    // the files went on past the first compaction of the order in memory
    assertThat(records(fromFiles(100).since(at(4), IDS))).containsExactly(1);
    assertThat(fromFiles(100).since(at(2), IDS)).isNull();
    ProcessingOrder.deleteFiles(stateDir);
    try (var files = Files.list(ProcessingOrder.directory(stateDir))) {
      assertThat(files.count()).isZero();
    }
  }

  /**
   * A process recorded M M M 0 0 1 from checkpoint 0; its restart follows that, takes two records
   * and checkpoints (1) inside the order; then it dies too.
   */
  private ProcessingOrder checkpointWhileFollowing(boolean files) {
    ProcessingOrder.deleteFiles(stateDir);
    ProcessingOrder died = files ? fromFiles(100) : new ProcessingOrder(100);
    died.since(at(0), IDS);
    take(died, M, M, M, 0, 0, 1);
    ProcessingOrder restarted = files ? fromFiles(100) : died;
    assertThat(records(restarted.since(at(0), IDS))).containsExactly(M, M, M, 0, 0, 1);
    ProcessingOrder.Cursor cursor = restarted.following();
    assertThat(cursor.advance()).isTrue();
    assertThat(cursor.advance()).isTrue();
    restarted.checkpointed(at(1), IDS);
    assertThat(cursor.kind()).isEqualTo(M);
    assertThat(cursor.recordsLeft()).isEqualTo(4);
    return files ? fromFiles(100) : restarted;
  }

  @Test
  void shouldPlaceACheckpointTakenWhileFollowingWhereTheTaskStood() {
    for (boolean files : new boolean[] {false, true}) {
      assertThat(records(checkpointWhileFollowing(files).since(at(1), IDS)))
          .as("from the new checkpoint, files %s", files)
          .containsExactly(M, 0, 0, 1);
      assertThat(records(checkpointWhileFollowing(files).since(at(0), IDS)))
          .as("from the one before, files %s", files)
          .containsExactly(M, M, M, 0, 0, 1);
    }
  }
}
