package coursepulse.lms.sink;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.engine.log.StreamStats;
import coursepulse.lms.event.StreamNames;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.time.Duration;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the PostgreSQL table {@code alerts} equal to what {@code 04-Alerts} says: one row per
 * alert, {@code resolved_at} null while open.
 *
 * <p><b>Exactly once into the table.</b> The sink stores the offset of the last record it applied
 * in {@code sink_positions}, in the same transaction as the rows that record changed, and resumes
 * from that offset + 1 after any crash or restart; the broker's consumer offsets play no part.
 * Rows are upserted, merging an opening and its resolution in either order, so even a record
 * applied twice (which the position prevents) would leave the same row.
 *
 * <p><b>Batching.</b> Records are applied in transactions of at most {@link
 * Builder#batchSize(int)} records, committed at the latest {@link Builder#maxBatchDelay(Duration)}
 * after the first record of the batch arrived.
 *
 * <p><b>Failures.</b> When the database or the log fails (a restart, a network cut), the sink
 * drops its connection and reader, waits with exponential backoff and jitter, reconnects, reloads
 * its position and reads again from there: state {@link State#RECOVERING}. Errors that retrying
 * cannot fix (a schema newer than this code, a record the database rejects as invalid data) end in
 * {@link State#FAILED}.
 *
 * <pre>
 *   CREATED --start--> STARTING --connected--> RUNNING <--> RECOVERING
 *                          |                      |             |
 *                          +----------------------+-------------+--close--> CLOSED
 *                          +----------------------+-------------+--fatal--> FAILED
 * </pre>
 *
 * <pre>{@code
 * try (AlertSink sink = AlertSink.builder(log, "jdbc:postgresql://db:5432/coursepulse")
 *         .credentials("coursepulse", password)
 *         .meterRegistry(registry)
 *         .build()) {
 *   sink.start();
 *   sink.awaitTermination();
 * }
 * }</pre>
 *
 * <p>Thread-safe: the work runs on one thread of its own; {@link #close()} may be called from any
 * thread (a shutdown hook). Logs carry offsets and counts, never student ids (those only at DEBUG).
 */
public final class AlertSink implements AutoCloseable {

  /** Lifecycle states; see the class description for the transitions. */
  public enum State {
    CREATED,
    STARTING,
    RUNNING,
    RECOVERING,
    CLOSED,
    FAILED
  }

  private static final Logger LOG = LoggerFactory.getLogger(AlertSink.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(200);

  private final StreamLog log;
  private final Settings settings;
  private final AtomicReference<State> state = new AtomicReference<>(State.CREATED);
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicLong position = new AtomicLong(-1);
  private final AtomicLong applied = new AtomicLong();
  private final Counter appliedCounter;
  private final Counter undecodableCounter;
  private final Counter otherOriginCounter;
  private final Counter recoveries;
  private final Timer commitTimer;
  private volatile Throwable failure;
  private Thread thread;

  private AlertSink(StreamLog log, Settings settings) {
    this.log = log;
    this.settings = settings;
    MeterRegistry registry =
        settings.registry != null ? settings.registry : new CompositeMeterRegistry();
    this.appliedCounter =
        Counter.builder("coursepulse.sink.records")
            .tag("stream", settings.stream)
            .description("04-Alerts records read by the sink, by outcome")
            .tag("outcome", "applied")
            .register(registry);
    this.undecodableCounter =
        Counter.builder("coursepulse.sink.records")
            .tag("stream", settings.stream)
            .description("04-Alerts records read by the sink, by outcome")
            .tag("outcome", "undecodable")
            .register(registry);
    this.otherOriginCounter =
        Counter.builder("coursepulse.sink.records")
            .tag("stream", settings.stream)
            .description("04-Alerts records read by the sink, by outcome")
            .tag("outcome", "other_origin")
            .register(registry);
    this.recoveries =
        Counter.builder("coursepulse.sink.recoveries")
            .tag("stream", settings.stream)
            .description("Times the sink dropped its connection and reader to retry")
            .register(registry);
    this.commitTimer =
        Timer.builder("coursepulse.sink.batch.commit")
            .tag("stream", settings.stream)
            .description("Time to write and commit one batch of alert rows and the position")
            .register(registry);
    io.micrometer.core.instrument.Gauge.builder("coursepulse.sink.position", position, AtomicLong::doubleValue)
        .description("Offset of the alert stream up to which rows are committed in PostgreSQL")
        .tag("stream", settings.stream)
        .register(registry);
  }

  /**
   * A sink of {@code 04-Alerts} from {@code log} (owned by the caller, not closed by the sink) into
   * the database at {@code jdbcUrl}.
   */
  public static Builder builder(StreamLog log, String jdbcUrl) {
    return new Builder(log, jdbcUrl);
  }

  /**
   * Starts the sink's thread.
   *
   * @throws IllegalStateException when already started or closed
   */
  public synchronized void start() {
    if (!state.compareAndSet(State.CREATED, State.STARTING)) {
      throw new IllegalStateException("sink already started or closed: " + state.get());
    }
    thread = new Thread(this::run, "coursepulse-alert-sink");
    thread.start();
  }

  /** The stream this sink reads. */
  public String stream() {
    return settings.stream;
  }

  /** The current state. */
  public State state() {
    return state.get();
  }

  /** The offset of the last record committed to the database, -1 before the first. */
  public long position() {
    return position.get();
  }

  /** Records applied since this sink started (not counting records applied by earlier runs). */
  public long recordsApplied() {
    return applied.get();
  }

  /** Why the sink failed, when its state is {@link State#FAILED}. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Waits until the sink stops (closed or failed).
   *
   * @return true when it stopped within the timeout
   */
  public boolean awaitTermination(Duration timeout) throws InterruptedException {
    return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Waits until the sink stops (closed or failed). */
  public void awaitTermination() throws InterruptedException {
    terminated.await();
  }

  /**
   * Stops the sink: the batch being written is committed or rolled back as a whole, nothing is
   * half-applied. Waits up to 30 s for the thread to end. Idempotent.
   */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
      if (t == null) {
        state.set(State.CLOSED);
        terminated.countDown();
        return;
      }
    }
    stopRequested.countDown();
    if (Thread.currentThread() != t) {
      try {
        t.join(30_000);
        if (t.isAlive()) {
          LOG.warn("sink thread did not stop within 30 s: interrupting it");
          t.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private boolean stopping() {
    return stopRequested.getCount() == 0;
  }

  private void run() {
    Duration backoff = settings.initialBackoff;
    int failuresInARow = 0;
    Progress progress = new Progress();
    try {
      while (!stopping()) {
        try (AlertTable table = new AlertTable(connect(), settings.sinkName, settings.stream)) {
          long stored = table.prepare();
          position.set(stored);
          OffsetSpec from = stored < 0 ? OffsetSpec.first() : OffsetSpec.offset(stored + 1);
          try (LogReader reader = log.reader(settings.stream, from)) {
            if (failuresInARow > 0) {
              LOG.info("sink recovered after {} attempt(s): resuming {} at offset {}",
                  failuresInARow, settings.stream, stored + 1);
            } else {
              LOG.info("sink '{}' reading {} from {} into {}", settings.sinkName, settings.stream,
                  from, settings.describeDatabase());
            }
            state.set(State.RUNNING);
            progress.restart();
            backoff = settings.initialBackoff;
            failuresInARow = 0;
            consume(reader, table, progress, settings.target);
          }
        } catch (SQLException | LogException e) {
          if (stopping()) {
            break;
          }
          if (!retryable(e)) {
            throw e;
          }
          failuresInARow++;
          recoveries.increment();
          state.set(State.RECOVERING);
          Duration wait = jitter(backoff);
          LOG.warn("sink {}: {}; retrying in {} ms (attempt {}), from the stored position",
              e instanceof SQLException ? "database unavailable" : "log unavailable",
              describe(e), wait.toMillis(), failuresInARow);
          if (stopRequested.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
            break;
          }
          backoff = min(backoff.multipliedBy(2), settings.maxBackoff);
        }
      }
      progress.report(true);
      state.set(State.CLOSED);
      LOG.info("sink stopped at offset {}", position.get());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      state.set(State.CLOSED);
    } catch (Exception | Error e) {
      failure = e;
      state.set(State.FAILED);
      LOG.error("sink failed at offset {}, not retrying: {}", position.get() + 1, describe(e));
    } finally {
      terminated.countDown();
    }
  }

  /** Reads and applies batches until asked to stop; throws on any database or log failure. */
  private <T> void consume(LogReader reader, AlertTable table, Progress progress,
      SinkTarget<T> target) throws SQLException {
    List<Map.Entry<Long, T>> batch = new ArrayList<>(settings.batchSize);
    long deadline = 0;
    long last = position.get();
    Instant maxEventTime = null;
    while (!stopping()) {
      Duration wait = IDLE_POLL;
      if (last > position.get()) {
        long left = deadline - System.nanoTime();
        wait = Duration.ofNanos(Math.max(0, Math.min(left, IDLE_POLL.toNanos())));
      }
      LogMessage m = wait.isZero() ? null : reader.poll(wait);
      if (m != null && m.offset() > last) {
        if (last == position.get()) {
          deadline = System.nanoTime() + settings.maxBatchDelay.toNanos();
        }
        last = m.offset();
        try {
          T record = target.decode(m.body());
          if (!target.keep(record)) {
            otherOriginCounter.increment(); // another application's or other rules' alert
            continue;
          }
          batch.add(new AbstractMap.SimpleImmutableEntry<>(m.offset(), record));
          Instant t = target.eventTime(record);
          maxEventTime = t == null || (maxEventTime != null && !t.isAfter(maxEventTime))
              ? maxEventTime : t;
        } catch (IllegalArgumentException e) {
          // The position still moves past it: the record can never become readable.
          undecodableCounter.increment();
          // The reason's code only: the decoder's detail may quote the record (a name).
          String why = String.valueOf(e.getMessage());
          LOG.warn("skipping undecodable record at offset {} of {}: {}", m.offset(),
              settings.stream, why.contains(":") ? why.substring(0, why.indexOf(':')) : why);
          LOG.debug("undecodable record at offset {}: {}", m.offset(), why);
        }
      }
      boolean pending = last > position.get();
      boolean full = batch.size() >= settings.batchSize;
      if (pending && (full || System.nanoTime() - deadline >= 0)) {
        long start = System.nanoTime();
        table.apply(target, batch, position.get(), last, maxEventTime);
        commitTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        if (LOG.isDebugEnabled()) {
          for (Map.Entry<Long, T> r : batch) {
            LOG.debug("applied offset {}: {}", r.getKey(), target.describe(r.getValue()));
          }
        }
        appliedCounter.increment(batch.size());
        applied.addAndGet(batch.size());
        progress.batch(batch.size());
        position.set(last);
        batch.clear();
        maxEventTime = null;
      }
      progress.report(false);
    }
  }

  private Connection connect() throws SQLException {
    Properties p = new Properties();
    if (settings.user != null) {
      p.setProperty("user", settings.user);
    }
    if (settings.password != null) {
      p.setProperty("password", settings.password);
    }
    p.setProperty("ApplicationName", "coursepulse-sink");
    p.setProperty("connectTimeout", "10");
    // Detects a server that vanished without closing the socket; a batch takes milliseconds.
    p.setProperty("socketTimeout", "120");
    p.setProperty("tcpKeepAlive", "true");
    // Rows are folded per alert id first, so multi-row inserts never hit a row twice.
    p.setProperty("reWriteBatchedInserts", "true");
    return DriverManager.getConnection(settings.jdbcUrl, p);
  }

  /** Whether waiting and reconnecting can fix {@code e}. */
  static boolean retryable(Exception e) {
    if (e instanceof LogException) {
      return true;
    }
    if (e instanceof Migrations.SchemaException) {
      return false;
    }
    if (e instanceof AlertTable.PositionMovedException
        || e instanceof SQLTransientException
        || e instanceof SQLRecoverableException) {
      return true;
    }
    String sqlState = ((SQLException) e).getSQLState();
    if (sqlState == null) {
      return true; // I/O failures before the server answered
    }
    // 08 connection, 40 rollback (serialization, deadlock), 53 resources, 57 operator
    // intervention (shutdown, restart), 58 system error, 55 lock not available; 28 invalid
    // authorization while a restarted server loads its configuration.
    return sqlState.startsWith("08") || sqlState.startsWith("40") || sqlState.startsWith("53")
        || sqlState.startsWith("57") || sqlState.startsWith("58") || sqlState.startsWith("55")
        || sqlState.startsWith("28");
  }

  /**
   * A failure in words fit for a log line above DEBUG. A database error's first line and SQL
   * state only: the driver's message of a failed batch quotes the statement with its bound
   * values (names and emails of the roster), and the server's detail lines may quote a value.
   * The whole message goes to DEBUG.
   */
  public static String describe(Throwable e) {
    if (e instanceof SQLException s) {
      // A batch's own message is the statement; the reason is the next exception's.
      SQLException reason = s instanceof BatchUpdateException && s.getNextException() != null
          ? s.getNextException() : s;
      LOG.debug("database error in full", e);
      String first = reason.getMessage() == null ? reason.getClass().getSimpleName()
          : reason.getMessage().lines().findFirst().orElse("").strip();
      if (s instanceof BatchUpdateException && reason == s) {
        first = "a batch failed"; // no reason given apart from the statement itself
      }
      return first + (reason.getSQLState() == null ? "" : " [SQLState " + reason.getSQLState() + "]");
    }
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (e instanceof StreamNotFoundException) {
      return "stream does not exist yet (" + message + ")";
    }
    return message;
  }

  private static Duration jitter(Duration d) {
    long ms = d.toMillis();
    return Duration.ofMillis(ms / 2 + ThreadLocalRandom.current().nextLong(ms / 2 + 1));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** Periodic INFO line with throughput; counts only, no ids. */
  private final class Progress {
    private long windowStart = System.nanoTime();
    private long windowRecords;
    private long windowBatches;

    void restart() {
      windowStart = System.nanoTime();
      windowRecords = 0;
      windowBatches = 0;
    }

    void batch(int records) {
      windowRecords += records;
      windowBatches++;
    }

    void report(boolean force) {
      long now = System.nanoTime();
      long elapsed = now - windowStart;
      if (!force && elapsed < settings.reportInterval.toNanos()) {
        return;
      }
      if (windowRecords > 0 || force) {
        double seconds = Math.max(elapsed / 1e9, 1e-3);
        LOG.info("sink applied {} records in {} batches ({} records/s), position {}{}",
            windowRecords, windowBatches, Math.round(windowRecords / seconds), position.get(),
            lag());
      }
      windowStart = now;
      windowRecords = 0;
      windowBatches = 0;
    }

    private String lag() {
      try {
        Optional<StreamStats> stats = log.stats(settings.stream);
        return stats.map(s -> ", behind by " + Math.max(0, s.lastOffset() - position.get()))
            .orElse("");
      } catch (LogException e) {
        return "";
      }
    }
  }

  private record Settings(
      String jdbcUrl,
      String user,
      String password,
      String stream,
      String sinkName,
      int batchSize,
      Duration maxBatchDelay,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration reportInterval,
      MeterRegistry registry,
      SinkTarget<?> target) {

    String describeDatabase() {
      String url = jdbcUrl;
      int q = url.indexOf('?');
      return q < 0 ? url : url.substring(0, q); // query parameters may hold a password
    }
  }

  /** Options of an {@link AlertSink}; every setter documents its default. */
  public static final class Builder {
    private final StreamLog log;
    private final String jdbcUrl;
    private String user;
    private String password;
    private String stream = StreamNames.ALERTS;
    private String sinkName = "coursepulse-sink";
    private int batchSize = 1000;
    private Duration maxBatchDelay = Duration.ofMillis(500);
    private Duration initialBackoff = Duration.ofMillis(500);
    private Duration maxBackoff = Duration.ofSeconds(30);
    private Duration reportInterval = Duration.ofSeconds(30);
    private MeterRegistry registry;
    private boolean events;
    private String applicationId;
    private String rulesHash;

    private Builder(StreamLog log, String jdbcUrl) {
      this.log = Objects.requireNonNull(log, "log");
      this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
      if (!jdbcUrl.startsWith("jdbc:postgresql:")) {
        throw new IllegalArgumentException(
            "not a PostgreSQL JDBC URL (jdbc:postgresql://HOST:PORT/DATABASE): " + jdbcUrl);
      }
    }

    /** Database user and password (default: none, the URL or the driver's defaults decide). */
    public Builder credentials(String user, String password) {
      this.user = user;
      this.password = password;
      return this;
    }

    /** The stream to read (default {@code 04-Alerts}). */
    public Builder stream(String stream) {
      this.stream = Objects.requireNonNull(stream, "stream");
      return this;
    }

    /**
     * The name under which the position is stored (default {@code coursepulse-sink}). Two sinks
     * with the same name into the same database must not run at once; the second one notices and
     * keeps retrying.
     */
    public Builder sinkName(String sinkName) {
      this.sinkName = Objects.requireNonNull(sinkName, "sinkName");
      return this;
    }

    /**
     * Read LMS events instead of alerts (default: alerts): {@code 01-Enrollment} into the roster
     * and teacher accounts, {@code 02-Login} and {@code 03-Activity} into daily activity,
     * assignments and submissions. Set the stream with {@link #stream(String)}.
     */
    public Builder events() {
      this.events = true;
      return this;
    }

    /** Most records per transaction (default 1000). */
    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1");
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Longest a record waits for its batch to fill before it is committed (default 500 ms). */
    public Builder maxBatchDelay(Duration maxBatchDelay) {
      this.maxBatchDelay = Objects.requireNonNull(maxBatchDelay, "maxBatchDelay");
      return this;
    }

    /** First and longest wait between retries (default 500 ms, doubling up to 30 s). */
    public Builder backoff(Duration initial, Duration max) {
      if (initial.isZero() || initial.isNegative() || max.compareTo(initial) < 0) {
        throw new IllegalArgumentException("backoff needs 0 < initial <= max");
      }
      this.initialBackoff = initial;
      this.maxBackoff = max;
      return this;
    }

    /** How often to log throughput at INFO (default 30 s). */
    public Builder reportInterval(Duration reportInterval) {
      this.reportInterval = Objects.requireNonNull(reportInterval, "reportInterval");
      return this;
    }

    /** Where to register the sink's meters (default: none). */
    public Builder meterRegistry(MeterRegistry registry) {
      this.registry = registry;
      return this;
    }

    /**
     * Materialize only alerts stamped with this application id and, when not null, this rules
     * hash; others are skipped (meter outcome {@code other_origin}). Default: every alert.
     */
    public Builder origin(String applicationId, String rulesHash) {
      this.applicationId = applicationId;
      this.rulesHash = rulesHash;
      return this;
    }

    /** A sink with these options, not yet started. */
    public AlertSink build() {
      return new AlertSink(
          log,
          new Settings(jdbcUrl, user, password, stream, sinkName, batchSize, maxBatchDelay,
              initialBackoff, maxBackoff, reportInterval, registry,
              events ? new EventsTarget(stream) : new AlertsTarget(applicationId, rulesHash)));
    }
  }
}
