package coursepulse.engine;

import java.time.Instant;
import java.util.Map;

/**
 * What the newest checkpoint of one task of an application over partitioned sources says (see
 * {@link StreamEngine#taskStatus}).
 *
 * @param task the task, which is also the partition number it reads
 * @param instance the instance that wrote the checkpoint: the task's holder unless it has moved
 *     since
 * @param checkpointedAt when it was written (that instance's clock)
 * @param sequence the checkpoint's sequence number
 * @param nextOffsets per source stream (its partition {@code task}), the offset the task resumes at
 */
public record TaskStatus(
    int task, String instance, Instant checkpointedAt, long sequence, Map<String, Long> nextOffsets) {

  public TaskStatus {
    nextOffsets = Map.copyOf(nextOffsets);
  }
}
