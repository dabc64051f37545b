package coursepulse.engine.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The tasks an instance has stopped, or is stopping, that may still run, by partition: revoked
 * ones (handed on when they do not stop in time) and those a rejoin leaves. Each holds its
 * partition's state directory until it ends, so the partition's next task on this instance starts
 * only after them. A task leaves this list once it has ended, not when a successor is assigned:
 * that successor may be revoked before it starts and the partition come back once more, and the
 * third task then met the directory still locked (CI run 80). Thread-safe; it takes no other lock
 * while holding its own.
 */
final class UnendedTasks {

  private final Map<Integer, List<EngineRuntime>> byPartition = new TreeMap<>();

  /** Notes {@code task} of {@code partition}, being stopped. */
  synchronized void add(int partition, EngineRuntime task) {
    byPartition.computeIfAbsent(partition, k -> new ArrayList<>()).add(task);
  }

  /** Forgets {@code task}, which has ended. */
  synchronized void forget(int partition, EngineRuntime task) {
    List<EngineRuntime> left = byPartition.get(partition);
    if (left != null && left.remove(task) && left.isEmpty()) {
      byPartition.remove(partition);
    }
  }

  /**
   * The tasks of {@code partition} that have not ended, for a new task to wait for. Forgets the
   * tasks of every partition that have ended meanwhile: a partition that never comes back would
   * otherwise keep its old task's stores on the heap.
   */
  synchronized List<EngineRuntime> of(int partition) {
    byPartition.values().removeIf(tasks -> tasks.removeIf(EngineRuntime::hasEnded) && tasks.isEmpty());
    return List.copyOf(byPartition.getOrDefault(partition, List.of()));
  }

  /**
   * Waits up to {@code timeout} for each of {@code predecessors} of {@code partition} to end,
   * forgetting those that did; returns how many did.
   */
  int awaitEnd(int partition, List<EngineRuntime> predecessors, Duration timeout) {
    int ended = 0;
    for (EngineRuntime predecessor : predecessors) {
      if (predecessor.close(timeout)) {
        ended++;
        forget(partition, predecessor);
      }
    }
    return ended;
  }
}
