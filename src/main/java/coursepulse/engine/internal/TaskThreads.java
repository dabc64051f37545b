package coursepulse.engine.internal;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fixed number of threads that run the tasks of one partitioned engine (Kafka Streams'
 * {@code num.stream.threads}): each task is given to the thread holding the fewest tasks when it
 * starts and stays on it until it ends, so it is owned by one thread at a time; a thread runs its
 * tasks in turn, one pass ({@link EngineRuntime#step}) each. A task that waits for input waits one
 * short slice per pass, so it holds up the others on its thread by at most that (see {@link
 * EngineRuntime}). Blocking phases (restore, a recovery's backoff) do hold up the thread's other
 * tasks.
 *
 * <p>Threads start with the first task they get and end when {@link #close} is called.
 */
final class TaskThreads {

  private static final Logger LOG = LoggerFactory.getLogger(TaskThreads.class);

  private final Worker[] workers;

  /**
   * @param count how many threads, at least 1
   * @param name the thread names' prefix
   */
  TaskThreads(int count, String name) {
    if (count < 1) {
      throw new IllegalArgumentException("task threads must be at least 1, was " + count);
    }
    workers = new Worker[count];
    for (int k = 0; k < count; k++) {
      workers[k] = new Worker(name + "-" + (k + 1));
    }
  }

  /** How many threads. */
  int count() {
    return workers.length;
  }

  /** Gives a started task to the thread with the fewest tasks (ties: the first). */
  void run(EngineRuntime task) {
    Worker least = workers[0];
    for (Worker w : workers) {
      if (w.size() < least.size()) {
        least = w;
      }
    }
    least.add(task);
  }

  /** Whether the calling thread is one of these (a task must not wait for itself). */
  boolean isTaskThread() {
    Thread t = Thread.currentThread();
    for (Worker w : workers) {
      if (w.thread == t) {
        return true;
      }
    }
    return false;
  }

  /** Ends the threads once their tasks have ended; tasks still held are left to their close. */
  void close() {
    for (Worker w : workers) {
      w.close();
    }
  }

  private static final class Worker {
    private final String name;
    private final List<EngineRuntime> tasks = new ArrayList<>();
    private volatile Thread thread;
    private boolean closed;

    Worker(String name) {
      this.name = name;
    }

    synchronized int size() {
      return tasks.size();
    }

    synchronized void add(EngineRuntime task) {
      tasks.add(task);
      if (thread == null) {
        Thread t = new Thread(this::loop, name);
        t.setDaemon(false);
        thread = t;
        t.start();
      }
      notifyAll();
    }

    synchronized void close() {
      closed = true;
      notifyAll();
    }

    private void loop() {
      List<EngineRuntime> turn = new ArrayList<>();
      while (true) {
        synchronized (this) {
          while (tasks.isEmpty() && !closed) {
            try {
              wait();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              LOG.warn("task thread {} interrupted with {} task(s)", name, tasks.size());
              return;
            }
          }
          if (tasks.isEmpty()) {
            thread = null;
            return;
          }
          turn.clear();
          turn.addAll(tasks);
        }
        for (EngineRuntime task : turn) {
          if (!task.step()) {
            task.release();
            synchronized (this) {
              tasks.remove(task);
            }
          }
        }
      }
    }
  }
}
