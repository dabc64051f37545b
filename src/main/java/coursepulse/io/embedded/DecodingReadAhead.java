package coursepulse.io.embedded;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Reads an {@link EmbeddedReader}'s stream ahead of its caller on a thread of its own, and decodes
 * each message there: what a RabbitMQ reader's dispatch thread does for the engine, so that on the
 * embedded log too the task thread only merges and processes. In a simulated semester the task
 * thread spent a third of its time decoding JSON (session 39's profile).
 *
 * <p>Each message is handed over as soon as it is decoded (a slow one does not hold back those
 * before it); at most two reader buffers' worth wait, and the thread reads on only as the caller
 * takes them, a buffer's worth at once. Order is the stream's: one thread reads, one queue hands
 * over. A failure of the stream is handed over after the messages read before it, and then on
 * every call.
 *
 * <p>Whether the caller has everything the stream holds ({@link #caughtUp}) must never say yes
 * while a message is between the stream and the queue (the engine's merge would let another input
 * overtake it): the thread publishes how far it has handed over only after the message is in the
 * queue, and the answer reads that before it looks at the queue.
 */
final class DecodingReadAhead {

  /** How long one read waits for new messages before the thread looks whether it was stopped. */
  private static final long READ_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final EmbeddedReader cursor;
  private final StreamState stream;
  private final Function<LogMessage, Object> decoder;
  private final int batchSize;
  /** Decoded messages, and a failure after the last of them. */
  private final BlockingQueue<Object> handedOver;
  private final Thread thread;

  /**
   * The offset below which every message is in the queue, taken from it, or removed by retention;
   * written by the thread only.
   */
  private volatile long published;

  private volatile boolean stopped;

  // The caller's side: what it took from the queue at once, and how far it is in that.
  private final List<Object> taken = new ArrayList<>();
  private int next;

  DecodingReadAhead(
      EmbeddedReader cursor,
      StreamState stream,
      Function<LogMessage, Object> decoder,
      int batchSize,
      long start) {
    this.cursor = cursor;
    this.stream = stream;
    this.decoder = decoder;
    this.batchSize = batchSize;
    this.handedOver = new ArrayBlockingQueue<>(2 * batchSize);
    this.published = start;
    this.thread = new Thread(this::run, "coursepulse-embedded-decode-" + stream.name());
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** The next decoded message, waiting up to {@code timeoutNanos}; null when none came. */
  LogMessage poll(long timeoutNanos) {
    if (next == taken.size() && !takeMore(timeoutNanos)) {
      return null;
    }
    Object o = taken.get(next);
    if (o instanceof RuntimeException) {
      throw (RuntimeException) o; // stays where it is: every later call fails the same way
    }
    taken.set(next++, null);
    return (LogMessage) o;
  }

  /** Whether the caller has taken every message the stream lets readers see now. */
  boolean caughtUp() {
    long handed = published; // first: what it covers is in the queue by the time we look there
    return next == taken.size() && handedOver.isEmpty() && stream.caughtUpFrom(handed);
  }

  /** Messages waiting for the caller, decoded. */
  int buffered() {
    return taken.size() - next + handedOver.size();
  }

  /** Stops the thread and waits briefly for it: it notices within one read's wait. */
  void stop() {
    stopped = true;
    thread.interrupt();
    handedOver.clear();
    taken.clear();
    next = 0;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(1));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private boolean takeMore(long timeoutNanos) {
    taken.clear();
    next = 0;
    Object first;
    try {
      first =
          timeoutNanos <= 0
              ? handedOver.poll()
              : handedOver.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogException(
          "interrupted while waiting for messages on stream '" + stream.name() + "'", e);
    }
    if (first == null) {
      return false;
    }
    taken.add(first);
    handedOver.drainTo(taken, batchSize - 1); // one lock for what else is there
    return true;
  }

  private void run() {
    LogMessage[] read = new LogMessage[batchSize];
    while (!stopped) {
      int n;
      try {
        n = stream.read(cursor, read, READ_WAIT_NANOS);
      } catch (RuntimeException e) {
        if (cursor.isClosed()) {
          // The log closed it: a caller waiting in poll wakes with the reason, if there is room.
          handedOver.offer(e);
        } else if (!stopped) {
          hand(e);
        }
        return;
      }
      for (int i = 0; i < n; i++) {
        LogMessage m = read[i];
        read[i] = null;
        Object decoded;
        try {
          decoded = decoder.apply(m);
        } catch (RuntimeException e) { // the decoder broke its contract: fail, do not skip
          hand(e);
          return;
        }
        if (!hand(new LogMessage(m.stream(), m.offset(), m.timestamp(), m.body(), decoded))) {
          return;
        }
        published = m.offset() + 1;
      }
      // Only this thread moves the cursor. Also after an empty read: retention may have moved it
      // past messages nobody will read.
      published = cursor.position;
    }
  }

  /** Puts a message or a failure in the queue, waiting for room; false when stopped meanwhile. */
  private boolean hand(Object messageOrFailure) {
    if (handedOver.offer(messageOrFailure)) {
      return true;
    }
    try {
      while (!stopped && !cursor.isClosed()) { // closed by the log's close: nobody takes it
        if (handedOver.offer(messageOrFailure, READ_WAIT_NANOS, TimeUnit.NANOSECONDS)) {
          return true;
        }
      }
    } catch (InterruptedException e) {
      // stop() interrupts: nothing waits for this message any more
    }
    return false;
  }
}
