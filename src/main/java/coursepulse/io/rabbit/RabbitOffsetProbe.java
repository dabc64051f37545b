package coursepulse.io.rabbit;

import com.rabbitmq.stream.Consumer;
import com.rabbitmq.stream.ConsumerFlowStrategy;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.OffsetSpecification;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exact first and last offsets of a stream read from its chunks, for brokers that do not report
 * them: RabbitMQ 3.10 has no stream statistics command, and 3.11 to 4.0.x (Debian's 4.0.5) report
 * only the first offset of the last committed chunk.
 *
 * <p>A probe attaches a consumer from {@code first} and/or from {@code last} with one credit and a
 * flow strategy that never grants another, so the broker sends exactly one chunk to each; the
 * strategy is told each chunk's id (its first offset) and record count before any of its messages,
 * which gives the first offset and the last one ({@code id + count - 1}) without reading a message.
 * Each probe has its own consumers, futures and handlers, so a chunk sent late to an earlier probe
 * cannot answer this one (the client drops deliveries for closed consumers).
 *
 * <p>The probes have an environment of their own, never the readers': stream-client 1.11 can lose
 * track of a consumer that subscribes to a stream on a connection while another consumer of that
 * stream unsubscribes there ({@code ConsumersCoordinator} adds with {@code computeIfAbsent(..).add}
 * outside the map's atomic removal), and such a reader is never told that its stream was deleted
 * (seen as {@code RabbitStreamLogIT.shouldFailAReaderWhoseStreamIsDeleted} failing, the reader's
 * own end probe racing its subscription). In that environment every probe consumer has a
 * connection of its own, opened for it and closed with it (its locator connection stays): probes
 * taking turns on one kept connection missed chunks under load (`CrashRecoveryIT` timed out
 * waiting for the last chunk, in a CI run; the earlier `impl.Client` probe had been moved to a
 * fresh connection per probe for the same reason).
 *
 * <p>A stream with no chunk yet delivers nothing: after the timeout it is reported empty, as the
 * engine expects of an empty stream.
 */
final class RabbitOffsetProbe {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitOffsetProbe.class);

  private final Supplier<Environment> environment;
  private final Duration timeout;
  private final AtomicInteger probes = new AtomicInteger();
  // Answers still awaited, so that close() can end the probes under way before the environment
  // goes (a probe subscribing on a closing environment fails noisily in the client's I/O layer).
  private final Set<CompletableFuture<Long>> pending = ConcurrentHashMap.newKeySet();
  private int inFlight;
  private boolean closed;

  RabbitOffsetProbe(Supplier<Environment> environment, Duration timeout) {
    this.environment = environment;
    this.timeout = timeout;
  }

  /** First and last offset, or empty when the stream has no chunk within the timeout. */
  Optional<StreamStats> stats(String stream) {
    CompletableFuture<Long> first = new CompletableFuture<>();
    CompletableFuture<Long> last = new CompletableFuture<>();
    long start = System.nanoTime();
    begin(stream, first, last);
    Consumer fromFirst = null;
    Consumer fromLast = null;
    try {
      fromFirst = oneChunk(stream, OffsetSpecification.first(), first::complete, null);
      fromLast = oneChunk(stream, OffsetSpecification.last(), null, last::complete);
      long f;
      try {
        f = first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return Optional.empty();
      }
      long l = awaitLast(stream, last);
      return Optional.of(new StreamStats(f, Math.max(f, l)));
    } catch (ExecutionException e) {
      throw new LogException("cannot read the offsets of stream '" + stream + "': " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogException("interrupted while reading the offsets of stream '" + stream + "'");
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "read the offsets of");
    } finally {
      closeQuietly(fromFirst);
      closeQuietly(fromLast);
      end(first, last);
      LOG.debug("probe of '{}' took {} ms", stream, (System.nanoTime() - start) / 1_000_000);
    }
  }

  /**
   * The last offset of the last chunk, or empty when the stream has no chunk within the timeout
   * (on brokers that report the first offset, the first subscription is not needed).
   */
  OptionalLong lastOffset(String stream) {
    CompletableFuture<Long> last = new CompletableFuture<>();
    long start = System.nanoTime();
    begin(stream, last);
    Consumer fromLast = null;
    try {
      fromLast = oneChunk(stream, OffsetSpecification.last(), null, last::complete);
      try {
        return OptionalLong.of(last.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        return OptionalLong.empty();
      }
    } catch (ExecutionException e) {
      throw new LogException("cannot read the offsets of stream '" + stream + "': " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LogException("interrupted while reading the offsets of stream '" + stream + "'");
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "read the offsets of");
    } finally {
      closeQuietly(fromLast);
      end(last);
      LOG.debug("probe of '{}' took {} ms", stream, (System.nanoTime() - start) / 1_000_000);
    }
  }

  @SafeVarargs
  private synchronized void begin(String stream, CompletableFuture<Long>... answers) {
    LOG.debug("probe of '{}' ({} consumer(s)) asked on thread {}", stream, answers.length,
        Thread.currentThread().getName());
    if (closed) {
      throw new LogException("cannot read the offsets of stream '" + stream + "': the log is closed");
    }
    probes.incrementAndGet();
    inFlight++;
    pending.addAll(List.of(answers));
  }

  @SafeVarargs
  private synchronized void end(CompletableFuture<Long>... answers) {
    pending.removeAll(List.of(answers));
    inFlight--;
    notifyAll();
  }

  /**
   * Ends the probes under way (they fail) and waits up to {@code wait} for them to let go of
   * their consumers; later probes fail at once.
   */
  synchronized void close(Duration wait) {
    closed = true;
    for (CompletableFuture<Long> answer : pending) {
      answer.completeExceptionally(new LogException("the log is closed"));
    }
    long deadline = System.nanoTime() + wait.toNanos();
    while (inFlight > 0) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return;
      }
      try {
        TimeUnit.NANOSECONDS.timedWait(this, left);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private long awaitLast(String stream, CompletableFuture<Long> last)
      throws ExecutionException, InterruptedException {
    try {
      return last.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new LogException(
          "RabbitMQ delivered the first chunk of stream '" + stream + "' but not its last one", e);
    }
  }

  /** Probes run so far: for tests. */
  int count() {
    return probes.get();
  }

  /**
   * A consumer that takes one chunk and reports its first ({@code onFirst}) or last ({@code
   * onLast}) offset; its messages are ignored and never credited.
   */
  private Consumer oneChunk(
      String stream, OffsetSpecification from, LongConsumer onFirst, LongConsumer onLast) {
    ConsumerFlowStrategy oneChunk =
        new ConsumerFlowStrategy() {
          @Override
          public int initialCredits() {
            return 1;
          }

          @Override
          public MessageProcessedCallback start(Context chunk) {
            if (onFirst != null) {
              onFirst.accept(chunk.chunkId());
            }
            if (onLast != null) {
              onLast.accept(chunk.chunkId() + chunk.messageCount() - 1);
            }
            return context -> {}; // no further credit: this subscription gets this chunk only
          }
        };
    return environment.get().consumerBuilder()
        .stream(stream)
        .offset(from)
        .noTrackingStrategy()
        .flow()
        .strategy(oneChunk)
        .builder()
        .messageHandler((context, message) -> {})
        .build();
  }

  private static void closeQuietly(Consumer consumer) {
    if (consumer != null) {
      try {
        consumer.close();
      } catch (RuntimeException e) {
        // the answer is known; a consumer that cannot unsubscribe goes with its connection
      }
    }
  }
}
