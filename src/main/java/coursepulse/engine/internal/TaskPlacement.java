package coursepulse.engine.internal;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where one task of an engine reads, writes and keeps its state: the whole topology (an engine
 * over plain streams has exactly one task) or its partition {@code k} (task {@code k} reads
 * partition {@code k} of every source, the Kafka Streams task model).
 *
 * @param partition the task's partition, or {@link #WHOLE} for the single task of plain streams
 * @param partitionStreams per logical source stream, the stream this task reads (its partition);
 *     empty for {@link #WHOLE}
 */
public record TaskPlacement(int partition, Map<String, String> partitionStreams) {

  /** The partition of the single task of an engine over plain streams. */
  public static final int WHOLE = -1;

  public TaskPlacement {
    partitionStreams = Map.copyOf(partitionStreams);
  }

  /** The single task of an engine over plain streams. */
  public static TaskPlacement whole() {
    return new TaskPlacement(WHOLE, Map.of());
  }

  public boolean partitioned() {
    return partition != WHOLE;
  }

  /** The stream of the log that holds this task's share of logical source {@code stream}. */
  public String streamOf(String stream) {
    return partitionStreams.getOrDefault(stream, stream);
  }

  /**
   * The producer name of this task's outputs to {@code sinkStream}: one per task, because each
   * task numbers its outputs 1, 2, 3... and the log deduplicates per producer name.
   */
  public String producerName(String applicationId, String sinkStream) {
    return partitioned()
        ? applicationId + "-" + partition + "-" + sinkStream
        : applicationId + "-" + sinkStream;
  }

  /** The task's local state directory (checkpoints, or their cache, and the lock). */
  public Path stateDir(Path engineStateDir, String applicationId) {
    Path app = engineStateDir.resolve(applicationId);
    return partitioned() ? app.resolve("task-" + partition) : app;
  }

  /** For logs and thread names: the application id, with the task for a partitioned engine. */
  public String describe(String applicationId) {
    return partitioned() ? applicationId + " task " + partition : applicationId;
  }
}
