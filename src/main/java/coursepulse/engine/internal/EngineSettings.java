package coursepulse.engine.internal;

import coursepulse.engine.DeserializationExceptionHandler;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** Validated settings of one engine, as given to its builder. */
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
    DeserializationExceptionHandler deserializationHandler) {}
