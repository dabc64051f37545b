package coursepulse.io.rabbit;

import com.rabbitmq.stream.Consumer;
import com.rabbitmq.stream.ConsumerFlowStrategy;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.NoOffsetException;
import com.rabbitmq.stream.OffsetSpecification;
import coursepulse.engine.log.LogException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Offsets stored on the broker under a consumer name, through the client's public API.
 *
 * <p>The API stores and queries offsets through a named {@link Consumer} ({@link Consumer#store},
 * {@link Consumer#storedOffset}); {@code Environment.storeOffset} exists too but polls for the
 * stored value every 200 ms, a stall of at least 200 ms per input at every checkpoint. So each call
 * attaches a short-lived named consumer with manual tracking (no interval: it never stores on its
 * own, also not on close) from {@code next} with no credit to spend after its first chunk, uses it
 * and closes it. The client puts it on the environment's existing connections (its tracking on a
 * producer connection to the stream's leader, its subscription on a consumer connection).
 */
final class RabbitStoredOffsets {

  private final Environment environment;
  private final Duration timeout;

  RabbitStoredOffsets(Environment environment, Duration timeout) {
    this.environment = environment;
    this.timeout = timeout;
  }

  /**
   * Stores {@code offset} and returns once a query sees it (the store command has no answer), so
   * that a later query from any connection reads it.
   */
  void store(String consumerName, String stream, long offset) {
    try (Consumer consumer = named(consumerName, stream)) {
      consumer.store(offset);
      long deadline = System.nanoTime() + timeout.toNanos();
      long backoffMs = 1;
      while (true) {
        OptionalLong stored = query(consumer, stream);
        if (stored.isPresent() && stored.getAsLong() == offset) {
          return;
        }
        if (System.nanoTime() > deadline) {
          throw new LogException(
              "RabbitMQ did not confirm the offset stored for a consumer on stream '" + stream
                  + "' within " + timeout.toMillis() + " ms");
        }
        try {
          Thread.sleep(backoffMs);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LogException("interrupted while storing an offset on stream '" + stream + "'");
        }
        backoffMs = Math.min(backoffMs * 2, 50);
      }
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "store an offset on");
    }
  }

  /** The offset stored under {@code consumerName} on {@code stream}, or empty when none is. */
  OptionalLong query(String consumerName, String stream) {
    try (Consumer consumer = named(consumerName, stream)) {
      return query(consumer, stream);
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "query a stored offset on");
    }
  }

  private static OptionalLong query(Consumer consumer, String stream) {
    try {
      return OptionalLong.of(consumer.storedOffset());
    } catch (NoOffsetException e) {
      return OptionalLong.empty();
    }
  }

  private Consumer named(String consumerName, String stream) {
    return environment.consumerBuilder()
        .stream(stream)
        .name(consumerName)
        // The client subscribes from the stored offset when there is one; from the end otherwise.
        .offset(OffsetSpecification.next())
        .manualTrackingStrategy()
        .checkInterval(Duration.ZERO)
        .builder()
        .flow()
        .strategy(NO_MORE_CREDIT)
        .builder()
        .messageHandler((context, message) -> {})
        .build();
  }

  // The broker needs one credit to start a subscription; this one never asks for more, so at most
  // one chunk reaches the short-lived consumer.
  private static final ConsumerFlowStrategy NO_MORE_CREDIT =
      new ConsumerFlowStrategy() {
        @Override
        public int initialCredits() {
          return 1;
        }

        @Override
        public MessageProcessedCallback start(Context chunk) {
          return context -> {};
        }
      };
}
