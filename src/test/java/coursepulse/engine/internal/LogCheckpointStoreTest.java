package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogWriter;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checkpoints of partitioned tasks in the application's checkpoint stream, with a local cache. */
class LogCheckpointStoreTest {

  @TempDir Path tmp;

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();

  @AfterEach
  void close() {
    log.close();
  }

  private static Checkpoint checkpoint(long sequence, long offset) {
    return new Checkpoint(
        sequence, offset * 10, Map.of("in", offset), Map.of("out", offset + 1), Map.of(),
        Map.of("counts", ("state at " + offset).getBytes(StandardCharsets.UTF_8)));
  }

  private LogCheckpointStore store(int partition, String instance) {
    log.createStream(LogCheckpointStore.streamName("app"), LogCheckpointStore.RETENTION);
    return new LogCheckpointStore(
        log, "app", partition, instance, tmp.resolve(instance).resolve("task-" + partition));
  }

  @Test
  void shouldRestoreEachTasksNewestSnapshotOnAnotherInstanceWithoutItsDisk() throws Exception {
    try (LogCheckpointStore task0 = store(0, "a");
        LogCheckpointStore task1 = store(1, "a")) {
      task0.write(checkpoint(1, 5));
      task1.write(checkpoint(1, 7));
      task0.write(checkpoint(2, 9));
      task1.write(checkpoint(2, 11));
      task0.write(checkpoint(3, 13));
    }
    try (LogCheckpointStore elsewhere = store(1, "b")) {
      Checkpoint restored = elsewhere.loadLatest();
      assertThat(restored.sequence()).isEqualTo(2);
      assertThat(restored.nextOffsets()).containsEntry("in", 11L);
    }
    assertThat(PartitionedRuntime.newestCheckpoints(log, "app", 3))
        .containsOnlyKeys(0, 1)
        .hasEntrySatisfying(0, s -> assertThat(s.sequence()).isEqualTo(3))
        .hasEntrySatisfying(1, s -> assertThat(s.instance()).isEqualTo("a"));
  }

  @Test
  void shouldDropTheLateCheckpointOfAHolderThatLostTheTask() throws Exception {
    try (LogCheckpointStore zombie = store(0, "a")) {
      zombie.write(checkpoint(1, 5));
      try (LogCheckpointStore holder = store(0, "b")) {
        Checkpoint restored = holder.loadLatest();
        long next = holder.continueAfter(restored.sequence()) + 1;
        assertThat(next).as("one sequence left for the old holder's checkpoint in flight").isEqualTo(3);
        holder.write(checkpoint(next, 9));
        // the old holder passed its lease check, stood still, and appends only now
        zombie.write(checkpoint(2, 7));
      }
    }
    assertThat(log.stats(LogCheckpointStore.streamName("app")).orElseThrow().lastOffset())
        .as("the log dropped the late one: its id is not above the new holder's")
        .isEqualTo(1);
    try (LogCheckpointStore later = store(0, "c")) {
      assertThat(later.loadLatest().nextOffsets()).containsEntry("in", 9L);
    }
  }

  @Test
  void shouldIgnoreTheLateCheckpointOfAHolderThatLostTheTaskWhenItLandsFirst() throws Exception {
    try (LogCheckpointStore zombie = store(0, "a")) {
      zombie.write(checkpoint(1, 5));
      try (LogCheckpointStore holder = store(0, "b")) {
        long next = holder.continueAfter(holder.loadLatest().sequence()) + 1;
        zombie.write(checkpoint(2, 7)); // lands between the restore and the first checkpoint
        holder.write(checkpoint(next, 9));
      }
    }
    try (LogCheckpointStore later = store(0, "c")) {
      Checkpoint restored = later.loadLatest();
      assertThat(restored.sequence()).isEqualTo(3);
      assertThat(restored.nextOffsets()).containsEntry("in", 9L);
    }
  }

  @Test
  void shouldContinueAboveTheLastSequenceTheLogStoredWhenRestoreCannotReadIt() throws Exception {
    try (LogCheckpointStore holder = store(0, "a")) {
      holder.write(checkpoint(4, 20));
    }
    try (LogWriter w =
        log.writer(
            LogCheckpointStore.streamName("app"), LogCheckpointStore.producerName("app", 0))) {
      w.append(9, "torn".getBytes(StandardCharsets.UTF_8));
      w.flush(Duration.ofSeconds(5));
    }
    try (LogCheckpointStore next = store(0, "b")) {
      Checkpoint restored = next.loadLatest();
      assertThat(restored.sequence()).isEqualTo(4);
      assertThat(next.continueAfter(restored.sequence()))
          .as("anything numbered 9 or less would be dropped by the log")
          .isEqualTo(9);
    }
  }

  @Test
  void shouldPreferTheLocalCacheOnlyWhenItIsNewer() throws Exception {
    try (LogCheckpointStore here = store(0, "a")) {
      here.write(checkpoint(4, 20));
    }
    // a later holder moved the task on: its snapshot on the log is newer than this cache
    try (LogCheckpointStore other = store(0, "b")) {
      other.write(checkpoint(6, 30));
    }
    try (LogCheckpointStore back = store(0, "a")) {
      assertThat(back.loadLatest().sequence()).isEqualTo(6);
    }
    // written to the cache only (as if the log had lost it): the cache wins
    checkpoint(8, 40).write(tmp.resolve("a").resolve("task-0"));
    try (LogCheckpointStore back = store(0, "a")) {
      assertThat(back.loadLatest().sequence()).isEqualTo(8);
    }
  }

  @Test
  void shouldFallBackToThePreviousSnapshotWhenTheNewestIsCorrupt() throws Exception {
    try (LogCheckpointStore task = store(2, "a")) {
      task.write(checkpoint(1, 3));
      task.write(checkpoint(2, 4));
    }
    byte[] good = checkpoint(3, 5).toBytes();
    good[20] ^= 0x55; // the CRC no longer matches
    ByteArrayOutputStream bos = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bos);
    out.writeInt(0x43505431);
    out.writeInt(2);
    out.writeUTF("a");
    out.writeLong(0L);
    out.write(good);
    try (LogWriter w = log.writer(LogCheckpointStore.streamName("app"), null)) {
      w.append(0, bos.toByteArray());
      w.flush(Duration.ofSeconds(5));
    }
    try (LogCheckpointStore elsewhere = store(2, "b")) {
      assertThat(elsewhere.loadLatest().sequence()).isEqualTo(2);
    }
  }

  @Test
  void shouldNotRewriteAnUnchangedStateToTheLog() throws Exception {
    String stream = LogCheckpointStore.streamName("app");
    try (LogCheckpointStore task = store(0, "a")) {
      task.write(checkpoint(1, 5));
      long after = log.stats(stream).orElseThrow().lastOffset();
      task.write(checkpoint(2, 5)); // an idle task: same state, higher sequence
      assertThat(log.stats(stream).orElseThrow().lastOffset()).isEqualTo(after);
      task.write(checkpoint(3, 6));
      assertThat(log.stats(stream).orElseThrow().lastOffset()).isGreaterThan(after);
    }
  }

  private static Checkpoint delta(long sequence, long previous, long offset) {
    return new Checkpoint(
        sequence, offset * 10, Map.of("in", offset), Map.of("out", offset + 1), Map.of(),
        Map.of(), Map.of("counts", ("changes at " + offset).getBytes(StandardCharsets.UTF_8)),
        previous);
  }

  @Test
  void shouldRestoreTheNewestFullSnapshotAndTheDeltasAfterItOnAnotherInstance() throws Exception {
    try (LogCheckpointStore task0 = store(0, "a");
        LogCheckpointStore task1 = store(1, "a")) {
      task0.write(checkpoint(1, 5));
      task0.write(delta(2, 1, 6));
      task1.write(checkpoint(1, 100));
      task0.write(delta(3, 2, 7));
      task0.write(checkpoint(4, 8)); // a chain compacted into a full checkpoint
      task0.write(delta(5, 4, 9));
      task0.write(delta(6, 5, 10));
    }
    try (LogCheckpointStore elsewhere = store(0, "b")) {
      assertThat(elsewhere.loadLatestChain())
          .extracting(Checkpoint::sequence)
          .containsExactly(4L, 5L, 6L);
      assertThat(elsewhere.chainEndingAt(6)).extracting(Checkpoint::sequence).containsExactly(4L, 5L, 6L);
      assertThat(elsewhere.chainEndingAt(5)).isNull();
    }
  }
}
