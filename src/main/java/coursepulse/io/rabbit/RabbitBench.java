package coursepulse.io.rabbit;

import com.rabbitmq.stream.Consumer;
import com.rabbitmq.stream.ConsumerFlowStrategy;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.OffsetSpecification;
import com.rabbitmq.stream.Producer;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures {@link RabbitStreamLog} against the raw stream-client in one run, on the same broker
 * and connection settings: publishing with confirms, and consuming a stream from its first message
 * to its last. Each path first runs a short warm-up on its own stream (so the JIT has compiled
 * both before the timed part); every stream it creates has a unique {@code cp-bench-} name and is
 * deleted at the end, so it can run against a shared broker.
 */
public final class RabbitBench {

  /**
   * Rates in messages per second.
   *
   * @param rawPublish stream-client producer with a name and publishing ids (deduplication, as
   *     the log writer does), confirms awaited
   * @param rawPublishUnnamed stream-client producer without a name (no deduplication)
   * @param logPublish {@link LogWriter} with a producer name and publishing ids, flushed
   * @param rawConsume stream-client consumer, first to last message
   * @param logConsume {@link LogReader#poll} loop, first to last message
   */
  public record Result(double rawPublish, double rawPublishUnnamed, double logPublish, double rawConsume, double logConsume) {}

  private static final Duration WAIT = Duration.ofMinutes(5);

  private final RabbitSettings settings;
  private final int messages;
  private final int size;
  private final PrintStream progress;

  /**
   * @param settings broker and tuning settings, used for both paths
   * @param messages messages per timed run
   * @param size payload bytes per message
   * @param progress where to print one line per phase
   */
  public RabbitBench(RabbitSettings settings, int messages, int size, PrintStream progress) {
    if (messages < 1 || size < 0) {
      throw new IllegalArgumentException("messages must be >= 1 and size >= 0");
    }
    this.settings = settings;
    this.messages = messages;
    this.size = size;
    this.progress = progress;
  }

  /**
   * Runs the four measurements {@code rounds} times, alternating raw and log paths, and keeps the
   * best rate of each (on a shared machine the best round is the least disturbed one). Deletes
   * every stream it created.
   */
  public Result run(int rounds) throws InterruptedException {
    String prefix = "cp-bench-" + UUID.randomUUID().toString().substring(0, 8);
    byte[] body = new byte[size];
    Arrays.fill(body, (byte) 'x');
    int warmup = Math.max(1, Math.min(messages / 5, 200_000));
    try (RabbitStreamLog log = RabbitStreamLog.connect(settings)) {
      Environment env = log.environment();
      progress.printf("bench: %,d messages of %d bytes, best of %d round(s), on %s%n",
          messages, size, rounds, log.describe());
      String warmRaw = prefix + "-warmup-raw";
      String warmLog = prefix + "-warmup-log";
      withStreams(log, () -> {
        rawPublish(env, warmRaw, body, warmup);
        logPublish(log, warmLog, body, warmup);
        rawConsume(env, warmRaw, warmup);
        logConsume(log, warmLog, warmup);
      }, warmRaw, warmLog);
      double[] best = new double[5];
      for (int round = 1; round <= rounds; round++) {
        String raw = prefix + "-" + round + "-raw";
        String viaLog = prefix + "-" + round + "-log";
        String unnamed = prefix + "-" + round + "-unnamed";
        double[] r = new double[5];
        withStreams(log, () -> {
          r[0] = rate(rawPublish(env, raw, body, messages));
          r[1] = rate(logPublish(log, viaLog, body, messages));
          r[2] = rate(rawConsume(env, raw, messages));
          // Both readers read the same stream, so chunk layout cannot favour either.
          r[3] = rate(logConsume(log, raw, messages));
          r[4] = rate(rawPublish(env, unnamed, body, messages, null));
        }, raw, viaLog, unnamed);
        progress.printf(
            "  round %d: publish raw %,.0f / log %,.0f (raw unnamed %,.0f) msg/s;"
                + " consume raw %,.0f / log %,.0f msg/s%n",
            round, r[0], r[1], r[4], r[2], r[3]);
        for (int i = 0; i < 5; i++) {
          best[i] = Math.max(best[i], r[i]);
        }
      }
      return new Result(best[0], best[4], best[1], best[2], best[3]);
    }
  }

  /**
   * Publishes {@code bodies} to {@code stream} (which must exist) with the raw stream-client: a
   * named producer with publishing ids 1..n (deduplication on, as the log writer runs), tuned like
   * {@code log}'s writers, all confirms awaited. Returns the nanoseconds from the first send to the
   * last confirm.
   */
  public static long rawPublish(RabbitStreamLog log, String stream, List<byte[]> bodies)
      throws InterruptedException {
    RabbitSettings settings = log.settings();
    CountDownLatch confirmed = new CountDownLatch(bodies.size());
    AtomicInteger refused = new AtomicInteger();
    try (Producer producer =
        log.environment()
            .producerBuilder()
            .name("cp-bench-raw")
            .stream(stream)
            .batchSize(settings.batchSize())
            .batchPublishingDelay(settings.batchPublishingDelay())
            .dynamicBatch(settings.dynamicBatch()) // as the writers batch: a fair baseline
            .maxUnconfirmedMessages(settings.maxUnconfirmedMessages())
            .build()) {
      long start = System.nanoTime();
      long id = 0;
      for (byte[] body : bodies) {
        producer.send(
            producer.messageBuilder().publishingId(++id).addData(body).build(),
            status -> {
              if (!status.isConfirmed()) {
                refused.incrementAndGet();
              }
              confirmed.countDown();
            });
      }
      await(confirmed, "raw publish confirms");
      long elapsed = System.nanoTime() - start;
      if (refused.get() > 0) {
        throw new IllegalStateException(refused.get() + " raw messages were refused");
      }
      return elapsed;
    }
  }

  /**
   * Reads {@code count} messages of {@code stream} from its first offset with the raw
   * stream-client, doing nothing with them but taking their body. Returns the nanoseconds from
   * subscribing to the last message.
   */
  public static long rawConsume(RabbitStreamLog log, String stream, int count)
      throws InterruptedException {
    return rawConsume(log.environment(), stream, count);
  }

  /**
   * Reads {@code count} messages of {@code stream} from its first offset with the raw
   * stream-client and the flow strategy {@code log}'s readers use (a credit per chunk when half of
   * its messages are processed, the configured initial credits),
   * handing each body to {@code onBody} on the client's thread before marking it processed.
   * Returns the nanoseconds from subscribing to the last message handled.
   */
  public static long rawConsume(
      RabbitStreamLog log, String stream, int count, java.util.function.Consumer<byte[]> onBody)
      throws InterruptedException {
    CountDownLatch received = new CountDownLatch(count);
    long start = System.nanoTime();
    try (Consumer consumer =
        log.environment()
            .consumerBuilder()
            .stream(stream)
            .offset(OffsetSpecification.first())
            .noTrackingStrategy()
            .flow()
            .strategy(
                ConsumerFlowStrategy.creditWhenHalfMessagesProcessed(
                    log.settings().readerInitialCredits()))
            .builder()
            .messageHandler(
                (context, message) -> {
                  onBody.accept(message.getBodyAsBinary());
                  context.processed();
                  received.countDown();
                })
            .build()) {
      await(received, "raw consume");
      return System.nanoTime() - start;
    }
  }

  private interface Body {
    void run() throws InterruptedException;
  }

  private static void withStreams(RabbitStreamLog log, Body body, String... streams)
      throws InterruptedException {
    try {
      for (String s : streams) {
        log.createStream(s, Retention.unlimited());
      }
      body.run();
    } finally {
      for (String s : streams) {
        log.deleteStream(s);
      }
    }
  }

  private double rate(long nanos) {
    return messages * 1e9 / nanos;
  }

  private long rawPublish(Environment env, String stream, byte[] body, int count)
      throws InterruptedException {
    return rawPublish(env, stream, body, count, "cp-bench-raw");
  }

  /** With a producer name (deduplication, explicit publishing ids) as the log writer, or without. */
  private long rawPublish(Environment env, String stream, byte[] body, int count, String name)
      throws InterruptedException {
    CountDownLatch confirmed = new CountDownLatch(count);
    AtomicInteger refused = new AtomicInteger();
    try (Producer producer =
        env.producerBuilder()
            .name(name)
            .stream(stream)
            .batchSize(settings.batchSize())
            .batchPublishingDelay(settings.batchPublishingDelay())
            .dynamicBatch(settings.dynamicBatch()) // as the writers batch: a fair baseline
            .maxUnconfirmedMessages(settings.maxUnconfirmedMessages())
            .build()) {
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        var builder = producer.messageBuilder();
        if (name != null) {
          builder.publishingId(i + 1);
        }
        producer.send(
            builder.addData(body).build(),
            status -> {
              if (!status.isConfirmed()) {
                refused.incrementAndGet();
              }
              confirmed.countDown();
            });
      }
      await(confirmed, "raw publish confirms");
      long elapsed = System.nanoTime() - start;
      if (refused.get() > 0) {
        throw new IllegalStateException(refused.get() + " raw messages were refused");
      }
      return elapsed;
    }
  }

  private static long logPublish(RabbitStreamLog log, String stream, byte[] body, int count) {
    try (LogWriter writer = log.writer(stream, "cp-bench")) {
      long start = System.nanoTime();
      for (int i = 0; i < count; i++) {
        writer.append(i, body);
      }
      writer.flush(WAIT);
      return System.nanoTime() - start;
    }
  }

  private static long rawConsume(Environment env, String stream, int count)
      throws InterruptedException {
    CountDownLatch received = new CountDownLatch(count);
    long start = System.nanoTime();
    try (Consumer consumer =
        env.consumerBuilder()
            .stream(stream)
            .offset(OffsetSpecification.first())
            .noTrackingStrategy()
            .flow()
            .strategy(ConsumerFlowStrategy.creditOnChunkArrival(10))
            .builder()
            .messageHandler(
                (context, message) -> {
                  message.getBodyAsBinary();
                  received.countDown();
                })
            .build()) {
      await(received, "raw consume");
      return System.nanoTime() - start;
    }
  }

  private static long logConsume(RabbitStreamLog log, String stream, int count) {
    long start = System.nanoTime();
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      long deadline = start + WAIT.toNanos();
      int n = 0;
      while (n < count) {
        LogMessage m = reader.poll(Duration.ofMillis(100));
        if (m != null) {
          n++;
        } else if (System.nanoTime() > deadline) {
          throw new IllegalStateException("reader got " + n + " of " + count + " messages");
        }
      }
      return System.nanoTime() - start;
    }
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(what + ": " + latch.getCount() + " still missing");
    }
  }
}
