package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.testing.CapturedLog;
import coursepulse.testing.PrivateRabbitNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine survives a RabbitMQ restart in the middle of a run without losing or doubling
 * output. Runs its own {@link PrivateRabbitNode} (never the shared node on 5552), stops it with
 * {@code rabbitmqctl stop} while the engine is processing, starts it again on the same data, and
 * compares the output with an uninterrupted run. Prints the measured outage and recovery times.
 */
class BrokerRestartIT {

  private static final int PER_STREAM = 4_000;
  private static final long SPIN_NANOS = 200_000; // ~0.2 ms per record: the run outlasts a stop
  private static final Duration DEADLINE = Duration.ofMinutes(4);

  private static PrivateRabbitNode node;

  @TempDir Path tmp;

  @BeforeAll
  static void startNode() throws Exception {
    Assumptions.assumeTrue(
        PrivateRabbitNode.isAvailable(),
        "rabbitmq-server is not installed here (or its Erlang cookie is not readable)");
    node = PrivateRabbitNode.start();
    System.out.printf("private node %s up in %d ms%n", node, node.lastStartDuration().toMillis());
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  private record Change(long nanos, StreamEngine.State state) {}

  @Test
  void shouldResumeWithoutLosingOrDoublingOutputWhenTheBrokerRestarts() throws Exception {
    List<String> inputs = List.of("in-1", "in-2", "in-3");
    List<String> expected;
    try (RabbitStreamLog log = RabbitStreamLog.connect(node.streamUri())) {
      WindowedCountApp.writeInputs(log, inputs, PER_STREAM, 7L);
      log.createStream("out-ref", Retention.unlimited());
      log.createStream("out", Retention.unlimited());
      try (StreamEngine reference =
          WindowedCountApp.engine(log, "ref", inputs, "out-ref", tmp.resolve("ref"),
                  Duration.ofSeconds(30), 0)
              .build()) {
        reference.start();
        assertThat(reference.awaitIdle(DEADLINE)).isTrue();
      }
      expected = WindowedCountApp.readAll(log, "out-ref", Duration.ofSeconds(2));
    }

    ConcurrentLinkedQueue<Change> changes = new ConcurrentLinkedQueue<>();
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RabbitStreamLog engineLog = RabbitStreamLog.connect(node.streamUri());
    StreamEngine engine =
        WindowedCountApp.engine(engineLog, "app", inputs, "out", tmp.resolve("app"),
                Duration.ofSeconds(1), SPIN_NANOS)
            .meterRegistry(registry)
            .stateListener((n, o) -> changes.add(new Change(System.nanoTime(), n)))
            .build();
    long outputsBeforeStop;
    long stopAt;
    long upAt;
    Duration stop;
    Duration start;
    try {
      engine.start();
      try (RabbitStreamLog probe = RabbitStreamLog.connect(node.streamUri())) {
        outputsBeforeStop = awaitOutputs(probe, "out", expected.size() / 4);
      }
      stopAt = System.nanoTime();
      stop = node.stop();
      start = node.startAgain();
      upAt = System.nanoTime();

      assertThat(engine.awaitIdle(DEADLINE)).as("idle; failure %s", engine.failure()).isTrue();
      long idleAt = System.nanoTime();
      assertThat(engine.state()).isEqualTo(StreamEngine.State.RUNNING);

      try (RabbitStreamLog check = RabbitStreamLog.connect(node.streamUri())) {
        List<String> actual = WindowedCountApp.readAll(check, "out", Duration.ofSeconds(2));
        assertThat(actual).hasSameSizeAs(expected);
        assertThat(actual).isEqualTo(expected);
      }
      Change recovered =
          changes.stream()
              .filter(c -> c.nanos() > upAt && c.state() == StreamEngine.State.RUNNING)
              .findFirst()
              .orElse(null);
      System.out.printf(
          "broker restart: %d outputs before the stop; stop took %d ms, start %d ms (broker"
              + " down %d ms); engine RUNNING again %s ms after the broker was up; idle %d ms"
              + " after it; recoveries %s; state changes %s%n",
          outputsBeforeStop, stop.toMillis(), start.toMillis(),
          TimeUnit.NANOSECONDS.toMillis(upAt - stopAt),
          recovered == null ? "n/a" : TimeUnit.NANOSECONDS.toMillis(recovered.nanos() - upAt),
          TimeUnit.NANOSECONDS.toMillis(idleAt - upAt),
          registry.get("coursepulse.engine.recoveries").functionCounter().count(),
          changes.stream().map(Change::state).toList());
    } finally {
      engine.close();
      engineLog.close();
    }
  }

  /**
   * A live reader must not read as caught up while the client recovers its subscription: it is
   * quiet because the broker is away, not because the log has nothing more. Read as caught up, a
   * restart that brought one input back before another let the engine run ahead of the slower
   * one. After the restart it delivers what was appended meanwhile, in order, and is caught up
   * again only then.
   */
  @Test
  void shouldReadAsBehindWhileTheSubscriptionRecovers() throws Exception {
    String stream = "recovering-reader";
    // Longer than the node takes to start and the writes after it: caught up earlier than this
    // after the start means the reader trusted its quiet subscription too soon.
    Duration settle = Duration.ofSeconds(20);
    try (RabbitStreamLog log =
        RabbitStreamLog.connect(
            RabbitSettings.builder(node.streamUri()).disruptionSettle(settle).build())) {
      log.createStream(stream, Retention.unlimited());
      append(log, stream, 0, 10);
      try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
        readTenThenStopTheNode(reader);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < until) {
          assertThat(reader.catchup()).as("while the broker is down").isEqualTo(LogReader.Catchup.BEHIND);
          TimeUnit.MILLISECONDS.sleep(20); // sampling interval
        }
        long startedAt = System.nanoTime(); // the subscription cannot be back before this
        node.startAgain();
        try (RabbitStreamLog writer = RabbitStreamLog.connect(node.streamUri())) {
          appendOnceAvailable(writer, stream, 10, 15);
        }
        for (long expected = 10; expected < 15; expected++) {
          LogMessage m = reader.poll(DEADLINE);
          assertThat(m).as("message %d after the restart", expected).isNotNull();
          assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("m" + expected);
        }
        long received = System.nanoTime() - startedAt;
        awaitCatchup(reader, LogReader.Catchup.CAUGHT_UP, DEADLINE);
        long caughtUp = System.nanoTime() - startedAt;
        System.out.printf(
            "recovered reader: everything received %d ms after the node's start, caught up after"
                + " %d ms (settle %d ms)%n",
            TimeUnit.NANOSECONDS.toMillis(received), TimeUnit.NANOSECONDS.toMillis(caughtUp),
            settle.toMillis());
        assertThat(caughtUp)
            .as("caught up only after the settle period from the recovery")
            .isGreaterThanOrEqualTo(settle.toNanos());
      }
    }
  }

  /**
   * After the shortest settle, a recovered reader stays behind until it receives a chunk written
   * since the recovery: the member it reads from may be a replica that has not caught up with a
   * new leader yet, quiet while the log holds more. Read as caught up after a fixed settle alone,
   * a cluster failover longer than it let the other inputs run weeks of simulated time ahead of
   * this one (ClusterFailoverIT, CI run 71). On a single node the restarted member has everything,
   * so nothing arrives until something new is written: until then the reader must read as behind.
   */
  @Test
  void shouldReadAsBehindAfterTheSettleUntilAChunkWrittenSinceArrives() throws Exception {
    String stream = "fresh-chunk-reader";
    Duration settle = Duration.ofSeconds(1);
    Duration settleMax = Duration.ofMinutes(2);
    try (RabbitStreamLog log =
        RabbitStreamLog.connect(
            RabbitSettings.builder(node.streamUri())
                .disruptionSettle(settle)
                .disruptionSettleMax(settleMax)
                .build())) {
      log.createStream(stream, Retention.unlimited());
      append(log, stream, 0, 10);
      try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
        readTenThenStopTheNode(reader);
        node.startAgain();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (((RabbitLogReader) reader).recovering()) {
          assertThat(deadline - System.nanoTime()).as("subscription recovered").isPositive();
          TimeUnit.MILLISECONDS.sleep(20); // polling interval
        }
        long recoveredAt = System.nanoTime();
        // past the shortest settle (and the 20 ms live quiet) with nothing new in the stream
        TimeUnit.MILLISECONDS.sleep(settle.toMillis() + 500);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        while (System.nanoTime() < until) {
          assertThat(reader.catchup())
              .as("recovered, settle over, nothing written since")
              .isEqualTo(LogReader.Catchup.BEHIND);
          TimeUnit.MILLISECONDS.sleep(20); // sampling interval
        }
        try (RabbitStreamLog writer = RabbitStreamLog.connect(node.streamUri())) {
          appendOnceAvailable(writer, stream, 10, 11);
        }
        LogMessage m = reader.poll(DEADLINE);
        assertThat(m).as("the message written after the recovery").isNotNull();
        assertThat(new String(m.body(), StandardCharsets.UTF_8)).isEqualTo("m10");
        awaitCatchup(reader, LogReader.Catchup.CAUGHT_UP, Duration.ofSeconds(10));
        long caughtUp = System.nanoTime() - recoveredAt;
        System.out.printf(
            "fresh-chunk reader: caught up %d ms after its recovery (settle %d ms, at most %d ms)%n",
            TimeUnit.NANOSECONDS.toMillis(caughtUp), settle.toMillis(), settleMax.toMillis());
        assertThat(caughtUp).as("released by the fresh chunk, not by the maximum").isLessThan(
            settleMax.toNanos());
      }
    }
  }

  /**
   * A stream declared while the broker is away is declared once it is back, with a WARN line per
   * retry: `process` declares its streams at start-up, and a node restarting at that moment ended
   * the run. Without the retry the declaration fails while the node is down, before it is started.
   */
  @Test
  void shouldDeclareAStreamOnceTheBrokerIsBack() throws Exception {
    String stream = "declared-while-away";
    try (RabbitStreamLog log = RabbitStreamLog.connect(node.streamUri());
        CapturedLog retries = CapturedLog.of(PassingRetry.class)) {
      node.stop();
      CompletableFuture<Void> declared =
          CompletableFuture.runAsync(() -> log.createStream(stream, Retention.unlimited()));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (retries.messages().isEmpty() && !declared.isDone()) {
        assertThat(deadline - System.nanoTime()).as("a retry while the node is down").isPositive();
        TimeUnit.MILLISECONDS.sleep(20); // polling interval
      }
      assertThat(declared).as("declaration while the node is down").isNotDone();
      Duration start = node.startAgain();
      declared.get(2, TimeUnit.MINUTES);
      assertThat(log.streamExists(stream)).isTrue();
      assertThat(retries.messages())
          .allMatch(m -> m.startsWith("Creating stream '" + stream + "' failed ("))
          .allMatch(m -> m.endsWith("; retrying in 2 s, for at most 60 s"));
      System.out.printf(
          "declared while away: %d retries; node started in %d ms%n", retries.messages().size(),
          start.toMillis());
    }
  }

  /**
   * Reads the ten messages the test appended, caught up after them, then stops the node: the
   * client notices the closed connection at once and starts recovering, so the reader is behind.
   */
  private static void readTenThenStopTheNode(LogReader reader) throws Exception {
    for (int i = 0; i < 10; i++) {
      assertThat(reader.poll(Duration.ofSeconds(30))).as("message %d", i).isNotNull();
    }
    awaitCatchup(reader, LogReader.Catchup.CAUGHT_UP, DEADLINE);
    node.stop();
    awaitCatchup(reader, LogReader.Catchup.BEHIND, Duration.ofSeconds(30));
  }

  private static void append(RabbitStreamLog log, String stream, int from, int to) {
    try (LogWriter w = log.writer(stream, "recovering-reader-writer")) {
      for (int i = from; i < to; i++) {
        w.append(i, ("m" + i).getBytes(StandardCharsets.UTF_8));
      }
      w.flush(Duration.ofSeconds(60));
    }
  }

  /** Streams answer a few seconds after a restarted node does: retries until one takes them. */
  private static void appendOnceAvailable(RabbitStreamLog log, String stream, int from, int to)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      try {
        append(log, stream, from, to);
        return;
      } catch (LogException e) {
        if (System.nanoTime() - deadline > 0) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(200); // retry interval
      }
    }
  }

  private static void awaitCatchup(LogReader reader, LogReader.Catchup wanted, Duration within)
      throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (reader.catchup() != wanted) {
      assertThat(deadline - System.nanoTime()).as("reader %s within %s", wanted, within).isPositive();
      TimeUnit.MILLISECONDS.sleep(10); // polling interval
    }
  }

  private static long awaitOutputs(RabbitStreamLog log, String stream, long target)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      long n = WindowedCountApp.count(log, stream);
      if (n >= target) {
        return n;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(n + " of " + target + " outputs");
      }
      TimeUnit.MILLISECONDS.sleep(10); // polling interval, not a wait for an outcome
    }
  }
}
