package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.Retention;
import coursepulse.testing.PrivateRabbitNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
