package coursepulse.engine.internal;

import coursepulse.engine.log.StreamStats;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;

/**
 * Where a task stands, for the meters other threads read: per source the next offset to process
 * and how many records wait in its queue, and the stream time; the input lag is derived from them
 * when a gauge is read. The task thread publishes after each pass ({@link #publish}), gauges read
 * without a lock.
 */
final class TaskProgress {

  private final EngineSettings settings;
  private final TaskPlacement placement;
  private final Logger log;
  private final AtomicLongArray position;
  private final AtomicLongArray buffered;
  private volatile long streamTime = -1;

  /**
   * Registers the task's input lag, buffered and stream-time lag gauges with {@code metrics}.
   *
   * @param log the runtime's logger, so the lines keep their origin
   */
  TaskProgress(EngineSettings settings, TaskPlacement placement, TaskMetrics metrics, Logger log) {
    this.settings = settings;
    this.placement = placement;
    this.log = log;
    List<String> sources = settings.graph().sourceStreams();
    this.position = new AtomicLongArray(sources.size());
    this.buffered = new AtomicLongArray(sources.size());
    for (int i = 0; i < sources.size(); i++) {
      position.set(i, -1);
      final int idx = i;
      metrics.registerInputLag(sources.get(i), () -> inputLag(idx));
      metrics.registerBuffered(sources.get(i), () -> buffered.get(idx));
    }
    metrics.registerStreamTimeLag(
        () -> {
          long t = streamTime;
          return t < 0 ? Double.NaN : (double) (settings.clock().millis() - t);
        });
  }

  /** Publishes where {@code task} stands now. */
  void publish(StreamTask task) {
    for (int i = 0; i < task.sourceCount(); i++) {
      position.lazySet(i, task.nextOffset(i));
      buffered.lazySet(i, task.buffered(i));
    }
    streamTime = task.streamTime();
  }

  /** Publishes the stream time alone: a task just restored, before its readers open. */
  void publishStreamTime(StreamTask task) {
    streamTime = task.streamTime();
  }

  private long inputLag(int i) {
    long next = position.get(i);
    try {
      Optional<StreamStats> stats =
          settings.log().stats(placement.streamOf(settings.graph().sourceStreams().get(i)));
      if (stats.isEmpty()) {
        return 0;
      }
      // Before anything was read the whole retained stream is ahead (for a start from 'first').
      long from = next < 0 ? stats.get().firstOffset() : next;
      return Math.max(0, stats.get().lastOffset() + 1 - from);
    } catch (RuntimeException e) {
      log.debug("input lag of source {} unavailable: {}", i, e.toString());
      return -1;
    }
  }
}
