package coursepulse.io.rabbit;

import com.rabbitmq.stream.Consumer;
import com.rabbitmq.stream.Environment;
import com.rabbitmq.stream.Message;
import com.rabbitmq.stream.MessageHandler;
import com.rabbitmq.stream.OffsetSpecification;
import com.rabbitmq.stream.ConsumerFlowStrategy;
import com.rabbitmq.stream.Resource;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link LogReader} over one stream-client {@link Consumer}.
 *
 * <p>Memory is bounded by credit-based flow control, not by the queue: the broker sends a chunk
 * only against a credit, and the reader grants one more credit when the caller has taken half of
 * a chunk's messages through {@link #poll}. So at most about {@code readerInitialCredits + 1}
 * chunks sit in the hand-off buffer however fast the stream grows and however slow the caller is.
 * The client's dispatch thread never blocks on the buffer (it is shared with other consumers of the
 * same connection, which must not stall because this caller is slow).
 *
 * <p><b>Hand-off in batches.</b> The dispatch thread appends each message to a buffer; the caller
 * swaps the whole buffer out at once ({@link #drain}, or {@link #poll} when its batch is used up)
 * and grants the credits for it, so the lock between the two threads is taken once per batch on
 * the caller's side. With a decoder ({@link #decodeOnArrival}) the dispatch thread also decodes
 * each message before appending it.
 *
 * <p>The broker delivers whole chunks, so a subscription by offset or timestamp starts at the
 * beginning of the chunk that holds it: messages below the requested offset, and messages whose
 * chunk time is before the requested time, are dropped here (and credited as processed), as are
 * messages a recovered subscription delivers again.
 *
 * <p><b>Catch-up</b> ({@link #catchup}) is decided from what the reader already knows, never by a
 * call on the caller's thread. When it subscribes, the reader asks the log once, on a thread of
 * its own, for the stream's last offset (again after the client recovered the subscription; while
 * it recovers, the reader is behind): until a message at or past it has been taken, the reader
 * is behind, without the engine asking anything (that answer is a lower bound of the true end, so
 * "behind" is always right). After that, live: the reader is caught up once every chunk the
 * broker delivered has been dispatched to it whole (the client's credit strategy is told of each
 * chunk's id and record count before its messages), everything dispatched has been taken, and
 * nothing arrived for {@link #LIVE_QUIET}; never within {@code disruptionSettle} of a connection
 * of the log being lost or regained, nor after that until it received a chunk written since the
 * loss, for {@code disruptionSettleMax} at most (the member it reads from may be a replica
 * catching up with a new leader: {@link DisruptionSettle}). The same rule on every RabbitMQ version: on 3.11 and
 * newer the reader used to answer {@code UNKNOWN} and the engine asked the log, which on 4.0.5
 * (no {@code committed_offset}) meant a probe consumer per question and most of the live p99
 * (docs/performance.md). It answers {@code UNKNOWN} when the first question failed or the target
 * stays unreached for {@link #UNDELIVERABLE_QUIET} (an offset no reader is given: each stored
 * consumer offset takes one).
 */
final class RabbitLogReader implements LogReader {

  private static final Logger LOG = LoggerFactory.getLogger(RabbitLogReader.class);

  private record Delivery(LogMessage message, MessageHandler.Context context) {}

  // knownEnd when the question failed: no target, and no live rule either.
  private static final long END_UNKNOWN = Long.MIN_VALUE;

  private static final Delivery FAILED = new Delivery(null, null);

  private final RabbitStreamLog log;
  private final String stream;
  // Written by the client's dispatch thread: the lowest offset still to hand over, from the
  // requested offset, then one past the last message handed over.
  private volatile long nextOffset;
  private final long minTimestamp;
  // Guards incoming and waiting; the caller waits on arrived for a message.
  private final ReentrantLock handOff = new ReentrantLock();
  private final Condition arrived = handOff.newCondition();
  // Filled by the dispatch thread, swapped with the caller's used-up batch.
  private ArrayList<Delivery> incoming = new ArrayList<>();
  private boolean waiting;
  // Owned by the caller: the batch it took last and how far it got in it.
  private ArrayList<Delivery> batch = new ArrayList<>();
  private int taken;
  private volatile Function<LogMessage, Object> decoder;
  private final AtomicInteger buffered = new AtomicInteger();
  private volatile int highWatermark;
  private volatile boolean filteringTimestamp;
  private volatile boolean closed;
  private volatile LogException failure;
  private final Consumer consumer;
  // The stream's last offset when the reader subscribed (-1: empty or live start), asked off the
  // caller's thread; asked again each time the client has recovered the subscription.
  private volatile CompletableFuture<Long> knownEnd;
  // Set while the client recovers the subscription (connection lost, broker restarting, stream
  // member moved): the reader cannot know what the log holds beyond what it has received.
  private volatile boolean recovering;
  // Written by the client's dispatch thread.
  private volatile long lastArrivalNanos = System.nanoTime();
  // Written by the client's dispatch thread: the timestamp of the newest chunk a message was
  // dispatched from (the wall clock of the leader that wrote it); see DisruptionSettle.
  private volatile long newestChunkMillis = Long.MIN_VALUE;
  // Written by the client's dispatch thread: the last offset of the newest chunk the broker
  // delivered (its id plus its record count, minus one), set before that chunk's messages are
  // dispatched; and the offset of the last message dispatched to this reader (handed over or
  // dropped). The reader is still receiving a chunk while the second is below the first.
  private volatile long deliveredChunkEnd = -1;
  private volatile long dispatchedThrough = -1;
  // Owned by the caller's thread: the offset of the last message poll returned.
  private long lastTaken = -1;
  // Owned by the caller's thread: whether the log's settle after a disruption holds this reader.
  private final DisruptionSettle.ReaderWait settle;

  /** Live mode: how long nothing must arrive, after whole chunks, to count as caught up. */
  static final Duration LIVE_QUIET = Duration.ofMillis(20);

  /** How long a known target offset that never arrives holds the reader behind. */
  static final Duration UNDELIVERABLE_QUIET = Duration.ofSeconds(1);

  RabbitLogReader(
      RabbitStreamLog log, Environment environment, String stream, OffsetSpec from, int credits) {
    this.log = log;
    this.stream = stream;
    OffsetSpecification spec;
    long minOff = -1;
    long minTs = Long.MIN_VALUE;
    if (from instanceof OffsetSpec.Absolute a) {
      spec = OffsetSpecification.offset(a.offset());
      minOff = a.offset();
    } else if (from instanceof OffsetSpec.Timestamp t) {
      spec = OffsetSpecification.timestamp(t.epochMillis());
      minTs = t.epochMillis();
    } else if (from == OffsetSpec.first()) {
      spec = OffsetSpecification.first();
    } else if (from == OffsetSpec.last()) {
      spec = OffsetSpecification.last();
    } else if (from == OffsetSpec.next()) {
      spec = OffsetSpecification.next();
    } else {
      throw new IllegalArgumentException("unknown offset specification " + from);
    }
    this.settle = log.settle().readerWait(stream);
    this.nextOffset = minOff;
    this.minTimestamp = minTs;
    this.filteringTimestamp = minTs != Long.MIN_VALUE;
    this.knownEnd =
        from == OffsetSpec.next() ? CompletableFuture.completedFuture(-1L) : askEnd();
    try {
      this.consumer =
          environment.consumerBuilder()
              .stream(stream)
              .offset(spec)
              .noTrackingStrategy()
              .listeners(this::stateChanged)
              .messageHandler(this::handle)
              .flow()
              .strategy(
                  new ChunkEnds(ConsumerFlowStrategy.creditWhenHalfMessagesProcessed(credits)))
              .builder()
              .build();
    } catch (RuntimeException e) {
      throw RabbitErrors.onStream(e, stream, "read");
    }
  }

  /** Runs on the client's dispatch thread, one message at a time for this consumer. */
  private void handle(MessageHandler.Context context, Message message) {
    dispatch(context, message);
    // after the message is counted in the buffer (or dropped), see catchup()
    dispatchedThrough = context.offset();
  }

  private void dispatch(MessageHandler.Context context, Message message) {
    if (closed) {
      // released while its close still runs (abandoned, or a close that timed out): buffer
      // nothing more, and leave the message unprocessed so that no credit is asked for
      return;
    }
    lastArrivalNanos = System.nanoTime();
    if (context.timestamp() > newestChunkMillis) {
      newestChunkMillis = context.timestamp();
    }
    long offset = context.offset();
    if (offset < nextOffset) {
      // below the requested offset, or delivered again by a recovered subscription (the client
      // resumes at the last message it dispatched)
      context.processed();
      return;
    }
    if (filteringTimestamp) {
      if (context.timestamp() < minTimestamp) {
        context.processed();
        return;
      }
      // Chunk times follow the broker's wall clock and could step back; once the requested time
      // is reached everything after it is delivered, as the port promises offset order.
      filteringTimestamp = false;
    }
    byte[] body = message.getBodyAsBinary();
    LogMessage m = new LogMessage(stream, offset, context.timestamp(), body);
    Function<LogMessage, Object> d = decoder;
    if (d != null) {
      m = new LogMessage(stream, offset, m.timestamp(), body, d.apply(m));
    }
    // Counted before it is handed over, so that catchup() never misses a message in the buffer.
    int n = buffered.incrementAndGet();
    nextOffset = offset + 1;
    hand(new Delivery(m, context));
    if (n > highWatermark) {
      highWatermark = n;
    }
  }

  /**
   * Asks the log for the stream's last offset on a thread of its own: -1 for an empty stream,
   * {@link #END_UNKNOWN} when the question fails.
   */
  private CompletableFuture<Long> askEnd() {
    return CompletableFuture.supplyAsync(
            () -> log.stats(stream).map(s -> s.lastOffset()).orElse(-1L),
            task -> {
              Thread t = new Thread(task, "coursepulse-reader-end-" + stream);
              t.setDaemon(true);
              t.start();
            })
        .exceptionally(
            e -> {
              LOG.debug("the end of stream '{}' is unknown: {}", stream, e.toString());
              return END_UNKNOWN;
            });
  }

  private void stateChanged(Resource.Context context) {
    Resource.State state = context.currentState();
    if (state == Resource.State.RECOVERING) {
      recovering = true;
      log.lost();
      LOG.info("subscription to stream '{}' lost; the client is recovering it", stream);
    } else if (state == Resource.State.OPEN && recovering) {
      // Messages may have been appended while the subscription was down: the end is asked again
      // before the reader counts as subscribed, so it never reads as caught up on a stale end.
      knownEnd = askEnd();
      log.regained(); // the member it now reads from may still be catching up: settle
      recovering = false;
      LOG.info(
          "subscription to stream '{}' recovered, reading on from offset {}", stream, nextOffset);
    }
    if (state == Resource.State.CLOSED && !closed) {
      failure =
          new LogException(
              "the subscription to stream '" + stream + "' was closed by RabbitMQ (stream deleted"
                  + " or connection lost for good); open a new reader");
      hand(FAILED);
    }
  }

  private void hand(Delivery d) {
    handOff.lock();
    try {
      incoming.add(d);
      if (waiting) {
        arrived.signal();
      }
    } finally {
      handOff.unlock();
    }
  }

  /**
   * Makes the next received batch the caller's when its current one is used up, waiting up to
   * {@code timeoutNanos} for a message.
   *
   * @return whether a message is ready in {@code batch}
   */
  private boolean ready(long timeoutNanos) {
    if (taken < batch.size()) {
      return true;
    }
    batch.clear();
    taken = 0;
    handOff.lock();
    try {
      if (incoming.isEmpty() && timeoutNanos > 0) {
        waiting = true;
        try {
          for (long left = timeoutNanos; incoming.isEmpty() && left > 0; ) {
            left = arrived.awaitNanos(left);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LogException("interrupted while reading stream '" + stream + "'", e);
        } finally {
          waiting = false;
        }
      }
      if (incoming.isEmpty()) {
        return false;
      }
      // Swap, no copy: the dispatch thread fills the caller's emptied list next.
      ArrayList<Delivery> full = incoming;
      incoming = batch;
      batch = full;
    } finally {
      handOff.unlock();
    }
    return true;
  }

  /** The next message of the current batch, after {@link #ready}; throws on the failure mark. */
  private LogMessage take() {
    Delivery d = batch.get(taken);
    if (d == FAILED) {
      throw failure; // stays at the head: every later call fails the same way
    }
    taken++;
    buffered.decrementAndGet();
    d.context().processed();
    LogMessage m = d.message();
    lastTaken = m.offset();
    Function<LogMessage, Object> decode = decoder;
    if (decode != null && m.decoded() == null) {
      // arrived before the decoder was set (the subscription starts with the reader): decoded
      // here instead, so every message taken after decodeOnArrival has its decoded form
      m = new LogMessage(stream, m.offset(), m.timestamp(), m.body(), decode.apply(m));
    }
    return m;
  }

  @Override
  public LogMessage poll(Duration timeout) {
    if (closed) {
      throw new IllegalStateException("reader of stream '" + stream + "' is closed");
    }
    return ready(timeout.toNanos()) ? take() : null;
  }

  @Override
  public int drain(int max, java.util.function.Consumer<? super LogMessage> sink) {
    if (closed) {
      throw new IllegalStateException("reader of stream '" + stream + "' is closed");
    }
    int n = 0;
    while (n < max && ready(0)) {
      sink.accept(take());
      n++;
    }
    return n;
  }

  @Override
  public boolean decodeOnArrival(Function<LogMessage, Object> decoder) {
    this.decoder = decoder;
    return true;
  }

  @Override
  public Catchup catchup() {
    if (buffered.get() > 0 || recovering || settle.holds(newestChunkMillis)) {
      // Recovering: quiet because the subscription is down, not because the log has nothing
      // more. Read as caught up, a broker restart that brought the other inputs back first let
      // them run ahead of this one, and the alerts of the rest of the run diverged. Settling:
      // after a connection of this log was lost, the member a subscription reads from may be a
      // replica still catching up with a new leader, quiet while the log holds more, and the
      // stream's statistics may come from such a member too (a cluster failover let the other
      // inputs run ahead: 145 alerts diverged in ClusterFailoverIT), until it delivers a chunk
      // written since.
      return Catchup.BEHIND;
    }
    Long end = knownEnd.getNow(null);
    if (end == null) {
      return Catchup.BEHIND; // still asking where the end is
    }
    if (end == END_UNKNOWN) {
      return Catchup.UNKNOWN; // the question failed: the engine asks
    }
    // An empty stream or a live start (end -1) has nothing to catch up with: live from the start.
    // It used to answer UNKNOWN, and the engine asks only after a whole wait in which no input
    // delivered anything: while the other inputs were busy, their records waited for the next
    // message of the sparsest one (live latency on 3.10 of 0.7 to 4 s, docs/performance.md).
    long quiet = System.nanoTime() - lastArrivalNanos;
    if (lastTaken < end) {
      // A lower bound of the true end (exact, or the first offset of the last chunk): behind,
      // unless nothing came for long (an offset no reader is given); then the engine asks.
      return quiet >= UNDELIVERABLE_QUIET.toNanos() ? Catchup.UNKNOWN : Catchup.BEHIND;
    }
    if (dispatchedThrough < deliveredChunkEnd) {
      // The client is still dispatching a chunk it received: a loaded dispatch thread can stand
      // still between two messages of one chunk for longer than any quiet period (a quiet-only
      // rule diverged in ScaleOut4IT at load average 35). Read before the buffer count below, so
      // a last message seen dispatched is seen buffered.
      return Catchup.BEHIND;
    }
    if (buffered.get() > 0) {
      return Catchup.BEHIND;
    }
    return quiet >= LIVE_QUIET.toNanos() ? Catchup.CAUGHT_UP : Catchup.BEHIND;
  }

  @Override
  public String stream() {
    return stream;
  }

  /** Whether the client is recovering the subscription. */
  boolean recovering() {
    return recovering;
  }

  /** Messages received from the broker and not yet taken by {@link #poll}. */
  int buffered() {
    return buffered.get();
  }

  /** The most messages ever buffered at once: proof that flow control bounds memory. */
  int highWatermark() {
    return highWatermark;
  }

  @Override
  public void close() {
    release(true);
  }

  /**
   * Releases the subscription without waiting for the broker: a task rebuilding itself after a
   * node's death closed its three readers one after the other, each waiting its 5 s for a
   * subscription the client was recovering (15 s before the rebuild could start, CI run 29).
   */
  @Override
  public void abandon() {
    release(false);
  }

  private void release(boolean wait) {
    if (closed) {
      return;
    }
    closed = true;
    String what = "subscription to stream '" + stream + "'";
    if (wait) {
      BoundedClose.run(what, consumer::close);
    } else {
      BoundedClose.inBackground(what, consumer::close);
    }
    handOff.lock();
    try {
      incoming.clear();
    } finally {
      handOff.unlock();
    }
    batch.clear();
    log.forget(this);
  }

  @Override
  public String toString() {
    return "RabbitLogReader{stream=" + stream + "}";
  }

  /**
   * The client's credit strategy, told of each chunk before its messages are dispatched (with the
   * chunk's id and record count, public API since stream client 0.12): notes where the chunk ends.
   */
  private final class ChunkEnds implements ConsumerFlowStrategy {
    private final ConsumerFlowStrategy credit;

    ChunkEnds(ConsumerFlowStrategy credit) {
      this.credit = credit;
    }

    @Override
    public int initialCredits() {
      return credit.initialCredits();
    }

    @Override
    public MessageProcessedCallback start(Context context) {
      long end = context.chunkId() + context.messageCount() - 1;
      if (end > deliveredChunkEnd) {
        deliveredChunkEnd = end;
      }
      return credit.start(context);
    }
  }
}
