package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {

  @TempDir Path dir;

  private static Checkpoint checkpoint(long seq) {
    return new Checkpoint(
        seq, seq * 10, Map.of("in", seq), Map.of("out", seq + 1), Map.of(), Map.of("s", new byte[] {1}));
  }

  @Test
  void shouldFallBackToThePreviousCheckpointWhenTheLatestIsGarbled() throws Exception {
    checkpoint(1).write(dir);
    checkpoint(2).write(dir);
    Path latest = Checkpoint.list(dir).get(0);
    byte[] b = Files.readAllBytes(latest);
    b[b.length / 2] ^= 0x5a;
    Files.write(latest, b);

    assertThat(Checkpoint.loadLatest(dir).sequence()).isEqualTo(1);
    assertThat(Files.exists(latest.resolveSibling(latest.getFileName() + ".corrupt"))).isTrue();
  }

  @Test
  void shouldKeepNewCheckpointsAfterAFullReplayCausedByCorruptedOnes() throws Exception {
    checkpoint(20).write(dir);
    checkpoint(21).write(dir);
    for (Path p : Checkpoint.list(dir)) {
      byte[] b = Files.readAllBytes(p);
      Files.write(p, Arrays.copyOf(b, b.length / 2));
    }
    assertThat(Checkpoint.loadLatest(dir)).isNull();

    // A full replay numbers its checkpoints from 1 again: they must survive.
    checkpoint(1).write(dir);
    checkpoint(2).write(dir);
    assertThat(Checkpoint.loadLatest(dir).sequence()).isEqualTo(2);
  }

  private static Checkpoint delta(long seq, long previous) {
    return new Checkpoint(
        seq, seq * 10, Map.of("in", seq), Map.of("out", seq + 1), Map.of(), Map.of(),
        Map.of("s", new byte[] {(byte) seq}), previous);
  }

  @Test
  void shouldRestoreAChainAndFallBackToItsCompletePartWhenADeltaIsGarbled() throws Exception {
    checkpoint(1).write(dir);
    delta(2, 1).write(dir);
    delta(3, 2).write(dir);
    delta(4, 3).write(dir);
    assertThat(Checkpoint.loadLatestChain(dir)).extracting(Checkpoint::sequence)
        .containsExactly(1L, 2L, 3L, 4L);

    Path third = dir.resolve(String.format("checkpoint-%020d.delta.bin", 3));
    byte[] b = Files.readAllBytes(third);
    b[b.length / 2] ^= 0x5a;
    Files.write(third, b);
    assertThat(Checkpoint.loadLatestChain(dir)).extracting(Checkpoint::sequence)
        .containsExactly(1L, 2L);
    // The delta after the garbled one is set aside too: a new checkpoint 3 must never join it.
    delta(3, 2).write(dir);
    assertThat(Checkpoint.loadLatestChain(dir)).extracting(Checkpoint::sequence)
        .containsExactly(1L, 2L, 3L);
  }

  @Test
  void shouldKeepTheNewestTwoChains() throws Exception {
    checkpoint(1).write(dir);
    delta(2, 1).write(dir);
    checkpoint(3).write(dir);
    delta(4, 3).write(dir);
    checkpoint(5).write(dir);
    delta(6, 5).write(dir);
    assertThat(Checkpoint.list(dir)).extracting(p -> p.getFileName().toString())
        .containsExactly(
            String.format("checkpoint-%020d.delta.bin", 6), String.format("checkpoint-%020d.bin", 5),
            String.format("checkpoint-%020d.delta.bin", 4), String.format("checkpoint-%020d.bin", 3));
  }

  @Test
  void shouldWriteTheFileItsBytesDescribeAndReadItBack() throws Exception {
    byte[] large = new byte[300_000];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31);
    }
    Checkpoint cp =
        new Checkpoint(
            7, 70, Map.of("in", 7L), Map.of("out", 8L), Map.of("tick", 100L),
            Map.of("s", large), Map.of("c", new byte[] {4, 5}), 6);

    long size = cp.write(dir);

    Path file = dir.resolve(String.format("checkpoint-%020d.delta.bin", 7));
    byte[] written = Files.readAllBytes(file);
    assertThat(size).isEqualTo(written.length);
    assertThat(written).isEqualTo(cp.toBytes());
    Checkpoint read = Checkpoint.fromBytes(written);
    assertThat(read.stores().get("s")).isEqualTo(large);
    assertThat(read.changes().get("c")).containsExactly(4, 5);
    assertThat(read.previousSequence()).isEqualTo(6);
    assertThat(read.streamTimeSchedule()).containsEntry("tick", 100L);
  }
}
