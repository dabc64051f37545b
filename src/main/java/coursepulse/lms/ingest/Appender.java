package coursepulse.lms.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import coursepulse.lms.event.AssignmentCreated;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends the events of concurrent requests with one group commit: a single thread takes every
 * queued request, drops the events already stored, appends the rest under one producer name per
 * stream with strictly increasing publishing ids, waits for the broker's confirms and only then
 * completes the requests.
 *
 * <p><b>Deduplication.</b> Each stream keeps the dedup keys (event ids; dead-letter ids for the
 * dead-letter stream) of its last {@code window} messages, read back from the stream's tail on
 * start and extended with every confirmed append. An event whose key is there is reported as a
 * duplicate and not sent.
 *
 * <p><b>Failures.</b> When an append or confirm fails, the writers are reopened and the whole
 * commit is sent again with the <em>same</em> publishing ids: the broker drops those it had stored
 * (their ids are not above its last stored id for the producer name) and stores the others. It
 * retries until the commit timeout; then the requests fail (503) and the commit stays pending:
 * it is resent, with its ids, before anything new is appended, so a sender's retry finds its
 * events stored or appends them then.
 */
final class Appender implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Appender.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_QUEUED_REQUESTS = 10_000;
  private static final Duration TAIL_READ_TIMEOUT = Duration.ofMinutes(2);

  /**
   * One message to append.
   *
   * @param key dedup key: the event id, or the dead-letter id
   * @param stream target stream
   * @param body encoded message
   */
  record Item(String key, String stream, byte[] body) {}

  /** What happened to an item. */
  enum Outcome {
    APPENDED,
    DUPLICATE
  }

  private record Work(List<Item> items, CompletableFuture<List<Outcome>> done, long createdNanos) {}

  private record Sent(String key, String stream, long publishingId, byte[] body) {}

  private final StreamLog log;
  private final String producerName;
  private final List<String> streams;
  private final String deadLetterStream;
  private final int window;
  private final Duration commitTimeout;
  private final IngestMetrics metrics;
  private final CourseCatalog catalog;
  private final BlockingQueue<Work> queue = new LinkedBlockingQueue<>(MAX_QUEUED_REQUESTS);
  private final Map<String, LogWriter> writers = new HashMap<>();
  private final Map<String, Long> nextId = new HashMap<>();
  private final Map<String, RecentKeys> recent = new HashMap<>();
  private List<Sent> pending = List.of();
  private Thread thread;
  private volatile boolean closing;
  private volatile boolean healthy;

  /**
   * @param streams every stream appended to, the dead-letter stream included
   * @param deadLetterStream the stream whose messages are keyed by {@code deadLetterId}
   */
  Appender(
      StreamLog log, String producerName, List<String> streams, String deadLetterStream,
      int window, Duration commitTimeout, IngestMetrics metrics, CourseCatalog catalog) {
    this.log = log;
    this.producerName = producerName;
    this.streams = List.copyOf(streams);
    this.deadLetterStream = deadLetterStream;
    this.window = window;
    this.commitTimeout = commitTimeout;
    this.metrics = metrics;
    this.catalog = catalog;
  }

  /** Opens the writers, reads back each stream's tail and starts the commit thread. */
  void start() {
    for (String stream : streams) {
      LogWriter writer = log.writer(stream, producerName);
      writers.put(stream, writer);
      nextId.put(stream, writer.lastPublishingId() + 1);
      RecentKeys keys = new RecentKeys(window);
      recent.put(stream, keys);
      long n = readTail(stream, keys);
      LOG.info("{}: {} recent keys read back for deduplication, next publishing id {}",
          stream, n, nextId.get(stream));
    }
    healthy = true;
    thread = new Thread(this::run, "coursepulse-ingest-commit");
    thread.setDaemon(true);
    thread.start();
  }

  /** Whether the last commit succeeded (for {@code /health}). */
  boolean healthy() {
    return healthy && thread != null && thread.isAlive();
  }

  /**
   * Queues items for the next group commit.
   *
   * @return completes with one outcome per item once the broker confirmed them, or exceptionally
   *     with a {@link LogException} (the caller answers 503)
   */
  CompletableFuture<List<Outcome>> submit(List<Item> items) {
    CompletableFuture<List<Outcome>> done = new CompletableFuture<>();
    if (items.isEmpty()) {
      done.complete(List.of());
      return done;
    }
    if (closing) {
      done.completeExceptionally(new LogException("ingest is shutting down"));
    } else if (!queue.offer(new Work(items, done, System.nanoTime()))) {
      done.completeExceptionally(
          new LogException(MAX_QUEUED_REQUESTS + " requests already wait for the broker"));
    }
    return done;
  }

  private void run() {
    List<Work> batch = new ArrayList<>();
    while (true) {
      Work first;
      try {
        first = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        first = null;
      }
      if (first == null) {
        if (closing || Thread.currentThread().isInterrupted()) {
          break;
        }
        continue;
      }
      batch.add(first);
      queue.drainTo(batch);
      try {
        commit(batch);
      } catch (RuntimeException e) {
        LOG.error("group commit failed unexpectedly", e);
        for (Work w : batch) {
          w.done.completeExceptionally(e);
        }
      }
      batch.clear();
    }
    for (Work w : queue) {
      w.done.completeExceptionally(new LogException("ingest is shutting down"));
    }
  }

  private void commit(List<Work> batch) {
    long start = System.nanoTime();
    long deadline = start + commitTimeout.toNanos();
    if (!pending.isEmpty()) {
      if (!resend(pending, deadline)) {
        fail(batch, "the broker has not confirmed an earlier commit yet");
        return;
      }
      remember(pending);
      pending = List.of();
    }
    List<Sent> sent = new ArrayList<>();
    Set<String> inCommit = new HashSet<>();
    List<List<Outcome>> outcomes = new ArrayList<>(batch.size());
    int events = 0;
    for (Work w : batch) {
      List<Outcome> out = new ArrayList<>(w.items.size());
      for (Item item : w.items) {
        events++;
        RecentKeys keys = recent.get(item.stream);
        if (keys.contains(item.key) || !inCommit.add(item.stream + "\n" + item.key)) {
          out.add(Outcome.DUPLICATE);
        } else {
          long id = nextId.merge(item.stream, 1L, Long::sum) - 1;
          sent.add(new Sent(item.key, item.stream, id, item.body));
          out.add(Outcome.APPENDED);
        }
      }
      outcomes.add(out);
    }
    boolean ok;
    try {
      send(sent);
      ok = true;
    } catch (LogException e) {
      healthy = false;
      LOG.warn("append failed ({}); reopening writers and resending {} message(s) with their"
          + " publishing ids", e.getMessage(), sent.size());
      ok = resend(sent, deadline);
    }
    if (!ok) {
      pending = sent;
      fail(batch, "RabbitMQ did not confirm within " + commitTimeout.toSeconds() + " s");
      return;
    }
    healthy = true;
    remember(sent);
    long now = System.nanoTime();
    metrics.commit(events, sent.size(), now - start);
    for (int i = 0; i < batch.size(); i++) {
      Work w = batch.get(i);
      metrics.requestAppendLatency(now - w.createdNanos);
      w.done.complete(outcomes.get(i));
    }
  }

  private void send(List<Sent> sent) {
    Set<String> used = new HashSet<>();
    for (Sent s : sent) {
      writers.get(s.stream).append(s.publishingId, s.body);
      used.add(s.stream);
    }
    for (String stream : used) {
      writers.get(stream).flush(commitTimeout);
    }
  }

  /** Reopens the writers and sends again until confirmed or the deadline passes. */
  private boolean resend(List<Sent> sent, long deadline) {
    long backoffMs = 100;
    while (true) {
      try {
        reopenWriters();
        send(sent);
        LOG.info("resent {} message(s); the broker confirmed them", sent.size());
        return true;
      } catch (LogException e) {
        if (System.nanoTime() - deadline > 0 || closing) {
          LOG.warn("RabbitMQ still failing ({}); answering 503 and keeping {} message(s) pending",
              e.getMessage(), sent.size());
          return false;
        }
      }
      try {
        // Backing off from a failing broker: there is nothing to wait on but time.
        Thread.sleep(backoffMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      backoffMs = Math.min(backoffMs * 2, 2_000);
    }
  }

  private void reopenWriters() {
    for (String stream : streams) {
      LogWriter old = writers.remove(stream);
      if (old != null) {
        try {
          old.close();
        } catch (RuntimeException e) {
          // A failed writer cannot flush; the broker-side state is what counts.
        }
      }
      LogWriter writer = log.writer(stream, producerName);
      writers.put(stream, writer);
      long last = writer.lastPublishingId();
      nextId.merge(stream, last + 1, Math::max);
    }
  }

  private void remember(List<Sent> sent) {
    for (Sent s : sent) {
      recent.get(s.stream).add(s.key);
    }
  }

  private void fail(List<Work> batch, String why) {
    for (Work w : batch) {
      w.done.completeExceptionally(new LogException(why));
    }
  }

  /** Reads up to {@code window} messages before the end of a stream into its dedup keys. */
  private long readTail(String stream, RecentKeys keys) {
    Optional<StreamStats> stats = log.stats(stream);
    if (stats.isEmpty()) {
      return 0;
    }
    long last = stats.get().lastOffset();
    long from = Math.max(stats.get().firstOffset(), last - window + 1);
    long count = 0;
    long deadline = System.nanoTime() + TAIL_READ_TIMEOUT.toNanos();
    try (LogReader reader = log.reader(stream, OffsetSpec.offset(from))) {
      long seen = -1;
      while (true) {
        // Past the known last offset only the rest of its chunk can follow (3.11+ reports the
        // chunk's first offset): a short quiet period ends the read.
        LogMessage m = reader.poll(Duration.ofMillis(seen >= last ? 200 : 1_000));
        if (m == null) {
          if (seen >= last) {
            break;
          }
          if (System.nanoTime() - deadline > 0) {
            throw new LogException("could not read back the tail of stream '" + stream
                + "' within " + TAIL_READ_TIMEOUT.toSeconds() + " s (read up to offset " + seen
                + " of " + last + ")");
          }
          continue;
        }
        seen = m.offset();
        String key = keyOf(stream, m.body());
        if (key != null) {
          keys.add(key);
          count++;
        }
      }
    }
    return count;
  }

  private String keyOf(String stream, byte[] body) {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException e) {
      return null;
    }
    if (tree == null || !tree.isObject()) {
      return null;
    }
    if (stream.equals(deadLetterStream)) {
      return tree.path(DeadLetters.ID_FIELD).isTextual() ? tree.get(DeadLetters.ID_FIELD).asText() : null;
    }
    if (AssignmentCreated.TYPE.equals(tree.path("type").asText())
        && tree.path("assignmentId").isTextual() && tree.path("courseId").isTextual()) {
      catalog.assignmentIn(tree.get("assignmentId").asText(), tree.get("courseId").asText());
    }
    return tree.path("eventId").isTextual() ? tree.get("eventId").asText() : null;
  }

  /** Completes queued requests, then closes the writers (each flushes, bounded). */
  @Override
  public void close() {
    closing = true;
    if (thread != null) {
      try {
        thread.join(commitTimeout.toMillis() + 5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (LogWriter w : writers.values()) {
      try {
        w.close();
      } catch (RuntimeException e) {
        LOG.warn("closing a writer failed: {}", e.getMessage());
      }
    }
    writers.clear();
  }

  /** Number of dedup keys held per stream, in stream order (tests, diagnostics). */
  Map<String, Integer> recentSizes() {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (String s : streams) {
      out.put(s, recent.get(s).size());
    }
    return out;
  }
}
