package coursepulse.engine.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Checkpoints as files in the task's state directory (see {@link Checkpoint#write}). */
final class LocalCheckpointStore implements CheckpointStore {
  private final Path dir;

  LocalCheckpointStore(Path dir) {
    this.dir = dir;
  }

  @Override
  public List<Checkpoint> loadLatestChain() throws IOException {
    return Checkpoint.loadLatestChain(dir);
  }

  @Override
  public long write(Checkpoint checkpoint) throws IOException {
    return checkpoint.write(dir);
  }

  @Override
  public String toString() {
    return dir.toString();
  }
}
