package coursepulse.io.rabbit;

import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.NoOffsetException;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream's exact first and last offsets ({@link RabbitStreamLog#stats}) on every broker
 * generation: the statistics command where the broker has it and reports the committed offset;
 * its committed chunk plus a probe of that chunk where it reports only the chunk (3.11 to 4.0.x:
 * Debian trixie's 4.0.5); a probe from {@code first} and from {@code last} on 3.10, which has no
 * statistics command (see {@link RabbitOffsetProbe}). Probes attach consumers, so an answer that
 * cannot have changed is reused instead.
 */
final class RabbitStreamEnds {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitStreamEnds.class);

  private final Environment environment;
  private final boolean statisticsCommand;
  private final Supplier<Environment> newProbeEnvironment;
  private final RabbitOffsetProbe probe;
  // Per stream: the committed chunk id at the last probe and the last offset it gave.
  private final Map<String, long[]> probedLast = new ConcurrentHashMap<>();
  private final Object probeLock = new Object();
  // Offset probes get an environment of their own, built on first use: see RabbitOffsetProbe for
  // the client race that probes subscribing beside the readers would expose them to.
  private Environment probeEnvironment;
  private boolean closed;

  /**
   * @param environment the log's environment, for the statistics command
   * @param statisticsCommand whether the broker has it ({@link RabbitStreamLog.Feature#STREAM_STATS})
   * @param newProbeEnvironment builds the probes' environment, once, when the first probe runs
   * @param probeTimeout how long a probe waits for a chunk before it reports the stream empty
   */
  RabbitStreamEnds(
      Environment environment,
      boolean statisticsCommand,
      Supplier<Environment> newProbeEnvironment,
      Duration probeTimeout) {
    this.environment = environment;
    this.statisticsCommand = statisticsCommand;
    this.newProbeEnvironment = newProbeEnvironment;
    this.probe = new RabbitOffsetProbe(this::probeEnvironment, probeTimeout);
  }

  /** First and last offset of {@code stream}, or empty when it holds no record. */
  Optional<StreamStats> stats(String stream) {
    return statisticsCommand ? queryStats(stream) : probe.stats(stream);
  }

  /** Drops what is known of {@code stream}: a stream created again under the name starts over. */
  void forget(String stream) {
    probedLast.remove(stream);
  }

  /** Probes run so far (each attaches consumers): for tests. */
  int probeCount() {
    return probe.count();
  }

  private Optional<StreamStats> queryStats(String stream) {
    com.rabbitmq.stream.StreamStats s;
    long first;
    try {
      s = environment.queryStreamStats(stream);
      first = s.firstOffset();
    } catch (NoOffsetException e) {
      return Optional.empty();
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "read the offsets of");
    }
    long last;
    try {
      last = s.committedOffset(); // exact, where the broker reports it
    } catch (NoOffsetException e) {
      last = lastOfCommittedChunk(stream, s, first);
    }
    return Optional.of(new StreamStats(first, Math.max(first, last)));
  }

  /**
   * The broker told only the first offset of the last committed chunk: reads that chunk's record
   * count to make the last offset exact.
   */
  private long lastOfCommittedChunk(String stream, com.rabbitmq.stream.StreamStats s, long first) {
    long chunk;
    boolean chunkKnown = true;
    try {
      chunk = s.committedChunkId();
    } catch (NoOffsetException unknown) {
      // In a cluster the node answering may hold a replica that has not learnt the committed
      // chunk yet (a new stream, a leader that just moved): the probe alone says it.
      chunk = first;
      chunkKnown = false;
    }
    long[] known = chunkKnown ? probedLast.get(stream) : null;
    if (known != null && known[0] == chunk) {
      // Nothing was committed since the last probe (every append, stored offsets included, is a
      // new chunk with a new id), so its answer stands: an idle engine asking every pass does not
      // probe each time (issue 20: an idle engine must not spin).
      return known[1];
    }
    OptionalLong probed = probe.lastOffset(stream);
    long last;
    if (chunkKnown && probed.isPresent() && probed.getAsLong() < chunk) {
      // The probe reads the last chunk of messages (OffsetSpecification.last()), and it ends
      // before the committed chunk: that one holds no message but a stored consumer offset,
      // which takes an offset no reader is ever given. The newest message is the probe's. Taking
      // the committed chunk's offset here made every reader wait for it (one second without
      // input, then the engine asked the log): each restart of an application whose inputs end
      // with stored offsets, and every bench phase after the first, stood still for seconds.
      last = probed.getAsLong();
    } else {
      last = Math.max(probed.orElse(chunk), chunk);
    }
    if (probed.isPresent() && chunkKnown) {
      probedLast.put(stream, new long[] {chunk, last});
    }
    return last;
  }

  private Environment probeEnvironment() {
    synchronized (probeLock) {
      if (closed) {
        throw new IllegalStateException("this RabbitStreamLog is closed");
      }
      if (probeEnvironment == null) {
        probeEnvironment = newProbeEnvironment.get();
      }
      return probeEnvironment;
    }
  }

  /** Ends the probes under way (readers may still be asking), then closes their environment. */
  void close() {
    probe.close(Duration.ofSeconds(5));
    synchronized (probeLock) {
      closed = true;
      if (probeEnvironment != null) {
        try {
          probeEnvironment.close();
        } catch (RuntimeException e) {
          LOG.debug("Closing the probe environment failed", e);
        }
      }
    }
  }
}
