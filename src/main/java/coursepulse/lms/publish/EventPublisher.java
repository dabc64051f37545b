package coursepulse.lms.publish;

import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Sends a feed ({@link EventSource}) to the product's input streams, or to NDJSON.
 *
 * <p>Resumption: every stream is written under the feed's producer name with the event's {@link
 * PublishableEvent#sequence()} as publishing id. On start the publisher asks each writer for the
 * last publishing id the log stored, reads the feed from the beginning and sends only the events
 * after it; events the log has already are not even encoded. A producer killed at any point and
 * restarted on the same feed therefore adds no duplicate and leaves no gap (and a duplicate that
 * slips through a resend is dropped by the log).
 *
 * <p>Order across the streams: a consumer that merges the three streams by event time can only
 * trust that one of them holds nothing more yet if the others are not far ahead of it in what the
 * log stored. Separate streams give no such guarantee: when one stream stops confirming (a broker
 * stopping its streams one by one, a leader moving) while the others go on, the others run ahead
 * by as long as the stall lasts, which at a simulated speed of 400,000 is days of course time. So
 * the publisher waits for every stream to confirm what it was sent at least every {@link
 * #SYNC_INTERVAL} of wall-clock time: no stream gets more than that (plus one confirm round trip)
 * ahead of another, and a stream that has failed stops the whole feed at once instead of after its
 * next append.
 *
 * <p>Order across feeds ({@link #refusingEarlierFeeds}): a feed appended to streams that already
 * hold another feed's events must not start before the newest of them. A consumer that has read
 * the log up to its end has moved its stream time there, and refuses older events as late; a
 * consumer that reads both feeds later sees the second one's enrolments after the first one's
 * activity. A resumed feed (its producer name has stored events) is held to the same rule stream
 * by stream: its next event must not be older than the last one of that stream.
 *
 * <p>Progress goes to the listener at most once a second, and once at the end.
 */
public final class EventPublisher {

  /** How long the final flush may wait for the log to confirm everything. */
  static final Duration FLUSH_TIMEOUT = Duration.ofSeconds(60);

  /** How often every stream must confirm what it was sent before more is sent anywhere. */
  static final Duration SYNC_INTERVAL = Duration.ofMillis(100);

  private static final long PROGRESS_NANOS = 1_000_000_000L;

  private final Pacer pacer;
  private final Consumer<Progress> progress;
  private final String earlierFeedAdvice;

  /**
   * A publisher that appends a feed whatever the streams hold already.
   *
   * @param pacer holds events back to the simulated speed
   * @param progress receives a snapshot at most once a second and a final one
   */
  public EventPublisher(Pacer pacer, Consumer<Progress> progress) {
    this(pacer, progress, null);
  }

  private EventPublisher(Pacer pacer, Consumer<Progress> progress, String earlierFeedAdvice) {
    this.pacer = pacer;
    this.progress = progress;
    this.earlierFeedAdvice = earlierFeedAdvice;
  }

  /**
   * This publisher, refusing a feed that would append events older than the newest event an input
   * stream holds (the order across feeds, above).
   *
   * @param advice the last sentence of the refusal: what the user should do instead
   */
  public EventPublisher refusingEarlierFeeds(String advice) {
    return new EventPublisher(pacer, progress, advice);
  }

  /**
   * Publishes every event of {@code source} that the log does not have yet, creating the three
   * input streams when they are missing.
   *
   * @param source a fresh pass over the feed, from its first event
   * @param producer the feed's stable producer name: the same feed must always use the same name,
   *     and different feeds different names
   * @return the final progress snapshot
   * @throws coursepulse.engine.log.LogException when the log refuses or cannot be reached
   * @throws EarlierFeedException when refusing earlier feeds and the feed goes back in time
   */
  public Progress publish(EventSource source, String producer, StreamLog log) {
    return publish(source, producer, log, Long.MAX_VALUE);
  }

  /**
   * Like {@link #publish(EventSource, String, StreamLog)}, but stops after the first {@code
   * maxEvents} events of the feed (benchmarks size their load with it).
   */
  public Progress publish(EventSource source, String producer, StreamLog log, long maxEvents) {
    List<String> streams = StreamNames.INPUTS;
    Route[] routes = new Route[streams.size()];
    try {
      int partitionCount = 0;
      for (int s = 0; s < routes.length; s++) {
        routes[s] = Route.open(log, streams.get(s), producer);
        int n = routes[s].writers.length;
        if (s > 0 && n != partitionCount) {
          throw new IllegalStateException(
              "the input streams are not partitioned alike (" + streams.get(0) + ": "
                  + describe(partitionCount) + ", " + streams.get(s) + ": " + describe(n)
                  + "): a student's events would land in different tasks. Recreate them with"
                  + " 'coursepulse streams --create --partitions N'.");
        }
        partitionCount = n;
      }
      boolean guarded = earlierFeedAdvice != null;
      boolean resuming = false;
      int newest = -1;
      if (guarded) {
        for (int s = 0; s < routes.length; s++) {
          routes[s].readNewest(log, producer, earlierFeedAdvice);
          resuming |= routes[s].hasStored();
          if (newest < 0 || routes[s].newest() > routes[newest].newest()) {
            newest = s;
          }
        }
      }
      Meter meter = new Meter();
      long seen = 0;
      long synced = System.nanoTime();
      for (PublishableEvent e = source.next(); e != null && seen++ < maxEvents; e = source.next()) {
        int s = e.streamIndex();
        // A new feed is held to the newest event of all inputs, so that it is refused before it
        // appends anything; a resumed one stream by stream, since its streams stopped apart.
        if (guarded && seen == 1 && !resuming && e.epochSecond() < routes[newest].newest()) {
          throw new EarlierFeedException(
              routes[newest].stream + " already holds events up to "
                  + Instant.ofEpochSecond(routes[newest].newest()) + " from another feed, and this one ("
                  + producer + ") starts at " + Instant.ofEpochSecond(e.epochSecond())
                  + ": appended after them, its events would come after their time had passed, and"
                  + " the alerting application would refuse them as late. Nothing was appended. "
                  + earlierFeedAdvice);
        }
        if (routes[s].send(e, pacer, log)) {
          meter.sent[s]++;
        } else {
          meter.skipped++;
        }
        if (meter.tick(e) && System.nanoTime() - synced >= SYNC_INTERVAL.toNanos()) {
          flushAll(routes);
          synced = System.nanoTime();
        }
      }
      flushAll(routes);
      return meter.finish();
    } finally {
      for (Route r : routes) {
        if (r != null) {
          r.close();
        }
      }
    }
  }

  /** Waits until every stream has confirmed what it was sent. */
  private static void flushAll(Route[] routes) {
    for (Route r : routes) {
      r.flush();
    }
  }

  private static String describe(int partitions) {
    return partitions == 1 ? "a plain stream" : partitions + " partitions";
  }

  /**
   * The writers of one input: one for a plain stream, one per partition of a partitioned stream.
   * Partitions get their own producer names ({@code <producer>-<k>}), because the log deduplicates
   * per producer name and stream, and a restart must resume each partition after its own last
   * stored event.
   */
  private static final class Route {
    final String stream;
    final List<String> names;
    final LogWriter[] writers;
    final long[] last;
    // with refusingEarlierFeeds: the newest event time of each writer's stream, until its first send
    long[] newest;
    String advice;
    String producer;

    private Route(String stream, List<String> names) {
      this.stream = stream;
      this.names = names;
      writers = new LogWriter[names.size()];
      last = new long[names.size()];
    }

    static Route open(StreamLog log, String stream, String producer) {
      List<String> partitions = log.partitions(stream);
      if (partitions.isEmpty()) {
        log.createStream(stream, Retention.unlimited());
        Route r = new Route(stream, List.of(stream));
        r.writers[0] = log.writer(stream, producer);
        r.last[0] = r.writers[0].lastPublishingId();
        return r;
      }
      Route r = new Route(stream, partitions);
      for (int k = 0; k < partitions.size(); k++) {
        r.writers[k] = log.writer(partitions.get(k), producer + "-" + k);
        r.last[k] = r.writers[k].lastPublishingId();
      }
      return r;
    }

    void readNewest(StreamLog log, String producer, String advice) {
      this.producer = producer;
      this.advice = advice;
      newest = new long[names.size()];
      for (int k = 0; k < newest.length; k++) {
        newest[k] = NewestEvent.of(log, names.get(k));
      }
    }

    /** The newest event time of this input's streams, {@link NewestEvent#NONE} when none. */
    long newest() {
      return Arrays.stream(newest).max().orElse(NewestEvent.NONE);
    }

    /** Whether the log has stored events of this producer on this input. */
    boolean hasStored() {
      return Arrays.stream(last).anyMatch(id -> id >= 0);
    }

    /**
     * Sends {@code e} where it belongs: by student to one partition; an event of a whole course
     * (an assignment) to every partition, since every task has students of that course.
     *
     * @return whether anything was sent (false: the log had it already)
     */
    boolean send(PublishableEvent e, Pacer pacer, StreamLog log) {
      String student = e.studentId();
      if (writers.length > 1 && student != null) {
        return send(log.partitionFor(student, writers.length), e, pacer);
      }
      boolean sent = false;
      for (int k = 0; k < writers.length; k++) {
        sent |= send(k, e, pacer);
      }
      return sent;
    }

    private boolean send(int k, PublishableEvent e, Pacer pacer) {
      if (e.sequence() <= last[k]) {
        return false;
      }
      if (newest != null && newest[k] != NewestEvent.NONE) {
        if (e.epochSecond() < newest[k]) {
          throw new EarlierFeedException(
              names.get(k) + " holds events up to " + Instant.ofEpochSecond(newest[k])
                  + " appended after the last one of this feed (" + producer + "), whose next is"
                  + " at " + Instant.ofEpochSecond(e.epochSecond()) + ": another feed wrote to it"
                  + " in between, and the rest of this one would come after its time had passed. "
                  + advice);
        }
        newest[k] = NewestEvent.NONE; // checked once: the feed itself is in time order
      }
      pacer.await(e.epochSecond());
      writers[k].append(e.sequence(), e.toJson());
      return true;
    }

    void flush() {
      for (LogWriter w : writers) {
        w.flush(FLUSH_TIMEOUT);
      }
    }

    void close() {
      for (LogWriter w : writers) {
        if (w != null) {
          w.close();
        }
      }
    }
  }

  /** Writes every event of {@code source} as one JSON line (NDJSON), in the feed's global order. */
  public Progress writeNdjson(EventSource source, OutputStream out) {
    try {
      Meter meter = new Meter();
      for (PublishableEvent e = source.next(); e != null; e = source.next()) {
        pacer.await(e.epochSecond());
        e.writeLine(out);
        meter.sent[e.streamIndex()]++;
        meter.tick(e);
      }
      out.flush();
      return meter.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write events: " + e.getMessage(), e);
    }
  }

  private final class Meter {
    final long[] sent = new long[3];
    long skipped;
    long lastEpochSecond = Long.MIN_VALUE;
    long lastReport = System.nanoTime();
    long lastTotal;
    final long started = System.nanoTime();
    int sinceCheck;

    /** @return whether it read the clock: time to check whether to report and to sync */
    boolean tick(PublishableEvent e) {
      lastEpochSecond = e.epochSecond();
      // reading the clock per event would cost more than generating it
      if (++sinceCheck < 1024 && pacer.isUnlimited()) {
        return false;
      }
      sinceCheck = 0;
      long now = System.nanoTime();
      if (now - lastReport >= PROGRESS_NANOS) {
        long total = total();
        progress.accept(snapshot((total - lastTotal) * 1e9 / (now - lastReport), false));
        lastReport = now;
        lastTotal = total;
      }
      return true;
    }

    long total() {
      return sent[0] + sent[1] + sent[2];
    }

    Progress finish() {
      long elapsed = Math.max(1, System.nanoTime() - started);
      Progress p = snapshot(total() * 1e9 / elapsed, true);
      progress.accept(p);
      return p;
    }

    Progress snapshot(double rate, boolean done) {
      Instant at = lastEpochSecond == Long.MIN_VALUE ? null : Instant.ofEpochSecond(lastEpochSecond);
      return new Progress(at, sent.clone(), skipped, rate, done);
    }
  }
}
