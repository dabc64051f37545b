package coursepulse.engine.internal;

import coursepulse.engine.DeserializationExceptionHandler;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Validated settings of one engine, as given to its builder.
 *
 * @param startFromByStream per source stream, where to start without a checkpoint; streams not in
 *     it use {@code startFrom}
 * @param stopAt per source stream, the offset before which reading stops (exclusive); streams not
 *     in it are read without end
 * @param maxEventTimeAhead the stream-time guard's limit (see {@link StreamTimeGuard}); zero: off
 * @param taskStopTimeout how long a partitioned instance waits for a stopped task to end before
 *     it gives up on it (see {@code StreamEngine.Builder#taskStopTimeout})
 * @param writeDeadLetters whether unreadable records are copied to the dead-letter stream (else
 *     only counted; see {@code StreamEngine.Builder#writeDeadLetters})
 */
public record EngineSettings(
    String applicationId,
    TopologyGraph graph,
    StreamLog log,
    Path stateDir,
    Clock clock,
    MeterRegistry meterRegistry,
    Duration maxTaskIdle,
    OffsetSpec startFrom,
    Duration checkpointInterval,
    int maxBufferedRecordsPerSource,
    Duration pollTimeout,
    DeserializationExceptionHandler deserializationHandler,
    Duration logRecoveryTimeout,
    Duration maxEventTimeAhead,
    Map<String, OffsetSpec> startFromByStream,
    Map<String, Long> stopAt,
    Duration taskStopTimeout,
    boolean writeDeadLetters) {

  /** Where {@code stream} starts without a checkpoint. */
  public OffsetSpec startFrom(String stream) {
    return startFromByStream.getOrDefault(stream, startFrom);
  }
}
