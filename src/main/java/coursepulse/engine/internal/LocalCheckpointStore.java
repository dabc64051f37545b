package coursepulse.engine.internal;

import java.io.IOException;
import java.nio.file.Path;

/** Checkpoints as files in the task's state directory (see {@link Checkpoint#write}). */
final class LocalCheckpointStore implements CheckpointStore {
  private final Path dir;

  LocalCheckpointStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public Checkpoint loadLatest() throws IOException {
    return Checkpoint.loadLatest(dir);
  }

  @Override
  public long write(Checkpoint checkpoint) throws IOException {
    return checkpoint.write(dir);
  }
}
