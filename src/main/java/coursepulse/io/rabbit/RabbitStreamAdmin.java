package coursepulse.io.rabbit;

import com.rabbitmq.stream.ByteCapacity;
import com.rabbitmq.stream.Constants;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.Producer;
import com.rabbitmq.stream.StreamCreator;
import coursepulse.engine.log.Retention;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares, looks up and deletes streams and super streams for {@link RabbitStreamLog}, which
 * checks that it is open and that the broker has the feature before it calls in. Declarations are
 * idempotent: what exists already is kept, with a warning when its settings differ.
 */
final class RabbitStreamAdmin {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitStreamAdmin.class);

  private final Environment environment;
  private final boolean superStreams;
  // Partitions of a super stream never change after creation: non-empty answers are kept.
  private final ConcurrentHashMap<String, List<String>> partitionCache = new ConcurrentHashMap<>();

  /**
   * @param superStreams whether the broker has them ({@link RabbitStreamLog.Feature#SUPER_STREAMS});
   *     without them no name is a super stream
   */
  RabbitStreamAdmin(Environment environment, boolean superStreams) {
    this.environment = environment;
    this.superStreams = superStreams;
  }

  void create(String stream, Retention retention) {
    StreamCreator creator = retained(environment.streamCreator().name(stream), retention);
    try {
      PassingRetry.AT_START.run("Creating stream '" + stream + "'", creator::create);
    } catch (RuntimeException e) {
      if (RabbitErrors.code(e) == Constants.RESPONSE_CODE_PRECONDITION_FAILED) {
        // The stream exists with other arguments: keep it, as "create" is idempotent, but say so.
        LOG.warn(
            "Stream '{}' exists with different retention settings; keeping the existing ones",
            stream);
        return;
      }
      throw RabbitErrors.onStream(e, stream, "create");
    }
  }

  void createSuper(String superStream, int partitions, Retention retention) {
    StreamCreator creator =
        retained(environment.streamCreator().name(superStream), retention)
            .superStream()
            .partitions(partitions)
            .creator();
    try {
      PassingRetry.AT_START.run("Creating super stream '" + superStream + "'", creator::create);
    } catch (RuntimeException e) {
      short code = RabbitErrors.code(e);
      if (code == Constants.RESPONSE_CODE_STREAM_ALREADY_EXISTS
          || code == Constants.RESPONSE_CODE_PRECONDITION_FAILED) {
        LOG.warn(
            "Super stream '{}' exists already (partitions {}); keeping it as it is",
            superStream, partitionsOf(superStream));
        return;
      }
      throw RabbitErrors.onStream(e, superStream, "create super stream");
    }
  }

  /** The partitions of {@code superStream}, asked of the broker; empty when it is not one. */
  List<String> partitionsOf(String superStream) {
    if (!superStreams) {
      return List.of();
    }
    // The public API shows a super stream's partitions only to a routing strategy: a super stream
    // producer looks them up when it is built, and a message routed nowhere is not sent.
    AtomicReference<List<String>> partitions = new AtomicReference<>(List.of());
    Producer lookup;
    try {
      lookup =
          environment.producerBuilder()
              .superStream(superStream)
              .routing(message -> "")
              .strategy(
                  (message, metadata) -> {
                    partitions.set(List.copyOf(metadata.partitions()));
                    return List.of();
                  })
              .producerBuilder()
              .build();
    } catch (IllegalArgumentException e) {
      return List.of(); // "super stream ... has no partition": no super stream of that name
    } catch (RuntimeException e) {
      if (RabbitErrors.code(e) == Constants.RESPONSE_CODE_STREAM_DOES_NOT_EXIST) {
        return List.of();
      }
      throw RabbitErrors.onStream(e, superStream, "list the partitions of");
    }
    try {
      lookup.send(lookup.messageBuilder().build(), status -> {});
    } finally {
      lookup.close();
    }
    return partitions.get();
  }

  /**
   * As {@link #partitionsOf}, asking the broker only until it names some; {@code beforeAsking}
   * runs before the broker is asked (a closed log refuses there, while known partitions stay
   * readable).
   */
  List<String> cachedPartitionsOf(String superStream, Runnable beforeAsking) {
    List<String> cached = partitionCache.get(superStream);
    if (cached != null) {
      return cached;
    }
    beforeAsking.run();
    List<String> partitions = partitionsOf(superStream);
    if (!partitions.isEmpty()) {
      partitionCache.put(superStream, partitions);
    }
    return partitions;
  }

  void deleteSuper(String superStream) {
    partitionCache.remove(superStream);
    deleteIfExists(superStream, true);
  }

  void delete(String stream) {
    deleteIfExists(stream, false);
  }

  boolean exists(String stream) {
    try {
      return environment.streamExists(stream);
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "look up");
    }
  }

  private void deleteIfExists(String name, boolean superStream) {
    try {
      if (superStream) {
        environment.deleteSuperStream(name);
      } else {
        environment.deleteStream(name);
      }
    } catch (RuntimeException e) {
      if (RabbitErrors.code(e) != Constants.RESPONSE_CODE_STREAM_DOES_NOT_EXIST) {
        throw RabbitErrors.onStream(e, name, superStream ? "delete super stream" : "delete");
      }
    }
  }

  private static StreamCreator retained(StreamCreator creator, Retention retention) {
    if (retention != null) {
      if (retention.maxAge() != null && !retention.maxAge().isZero()) {
        creator.maxAge(retention.maxAge());
      }
      if (retention.maxLengthBytes() > 0) {
        creator.maxLengthBytes(ByteCapacity.B(retention.maxLengthBytes()));
      }
    }
    return creator;
  }
}
