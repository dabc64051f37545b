package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.StreamLog;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.PrivateRabbitNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * RabbitMQ restarts while {@code produce} (paced, so it is still publishing) and {@code process}
 * run as child JVMs against a {@link PrivateRabbitNode} (never the shared node). Both must recover
 * on their own; the inputs must equal the uninterrupted {@link Reference} run, and the alerts be
 * written effectively once and differ from it only by what live arrival order explains.
 * Prints the outage and how long each command took to make progress again.
 */
class BrokerRestartDuringRunIT {

  private static PrivateRabbitNode node;

  // kept when the test fails: the commands' logs say which input fell behind
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path tmp;

  @BeforeAll
  static void startNode() throws Exception {
    Assumptions.assumeTrue(
        PrivateRabbitNode.isAvailable(),
        "rabbitmq-server is not installed here (or its Erlang cookie is not readable)");
    node = PrivateRabbitNode.start();
  }

  @AfterAll
  static void stopNode() {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void shouldRecoverProducerAndProcessorWithoutInterventionWhenTheBrokerRestarts()
      throws Exception {
    Reference reference = Reference.get();
    String uri = node.streamUri();
    Path produceLog = tmp.resolve("produce.log");
    Path processLog = tmp.resolve("process.log");
    System.out.println("broker restart during run: logs in " + tmp + " (kept if the test fails)");
    // ~16.5 million simulated seconds (enrolments from June to the term's end) in ~40 s.
    List<String> produce = new ArrayList<>(List.of("produce", "--uri", uri, "--speed", "400000"));
    produce.addAll(Cli.SEMESTER);
    Process producer = Cli.start(produceLog, List.of(), produce);
    Process processor = null;
    long beforeStop;
    long alertsBeforeStop;
    long stopAt;
    long upAt;
    Duration stop;
    Duration start;
    try {
      try (StreamLog log = RabbitStreamLog.connect(uri)) {
        Cli.await(() -> Cli.count(log, StreamNames.LOGIN) > 0 ? 1 : 0, 1, producer, produceLog);
        processor = Cli.start(processLog, List.of(), Cli.process(uri, tmp.resolve("state")));
        Process p = processor;
        Cli.await(() -> Cli.count(log, StreamNames.ALERTS), 30, p, processLog);
        beforeStop = Cli.inputs(log);
        alertsBeforeStop = Cli.count(log, StreamNames.ALERTS);
      }
      assertThat(producer.isAlive()).as("producer still publishing at the stop").isTrue();
      stopAt = System.nanoTime();
      stop = node.stop();
      start = node.startAgain();
      upAt = System.nanoTime();

      long producerBackAt;
      long processorBackAt;
      try (StreamLog log = RabbitStreamLog.connect(uri)) {
        // Streams answer a few seconds after the node does: poll until they are available.
        long inputsAfterStart = Cli.await(() -> Cli.available(() -> Cli.inputs(log)), 0, producer, produceLog);
        Process proc = processor;
        long alertsAfterStart =
            Cli.await(() -> Cli.available(() -> Cli.count(log, StreamNames.ALERTS)), 0, proc, processLog);
        Cli.await(() -> Cli.inputs(log), inputsAfterStart + 1, producer, produceLog);
        producerBackAt = System.nanoTime();
        Process p = processor;
        Cli.await(() -> Cli.count(log, StreamNames.ALERTS), alertsAfterStart + 1, p, processLog);
        processorBackAt = System.nanoTime();
        Cli.awaitSuccess(producer, produceLog);
        // the run is live, so its count may differ a little from the reference (below): wait for
        // most of it, then until nothing more comes (a late duplicate, if any, shows up too)
        Cli.await(
            () -> Cli.count(log, StreamNames.ALERTS),
            reference.alerts().size() - reference.maxLiveDifference(), p, processLog);
        long seen;
        do {
          seen = Cli.count(log, StreamNames.ALERTS);
          assertThat(p.waitFor(3, TimeUnit.SECONDS)).isFalse();
        } while (Cli.count(log, StreamNames.ALERTS) != seen);
        processor.destroy(); // SIGTERM: shutdown hook, final checkpoint
        assertThat(processor.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(processor.exitValue()).as("128 + SIGTERM").isEqualTo(143);
        assertThat(java.nio.file.Files.readString(processLog)).contains("PENDING_SHUTDOWN -> STOPPED");

        for (String s : StreamNames.INPUTS) {
          assertThat(Cli.readAll(log, s)).as(s).isEqualTo(reference.inputs().get(s));
        }
        List<String> alerts = Cli.readAll(log, StreamNames.ALERTS);
        System.out.printf(
            "broker restart during run: stopped at %d events / %d alerts; stop %d ms, start %d"
                + " ms (down %d ms); producer publishing again %d ms and processor alerting again"
                + " %d ms after the broker was up; %d alerts, reference %d%n",
            beforeStop, alertsBeforeStop, stop.toMillis(), start.toMillis(),
            TimeUnit.NANOSECONDS.toMillis(upAt - stopAt),
            TimeUnit.NANOSECONDS.toMillis(producerBackAt - upAt),
            TimeUnit.NANOSECONDS.toMillis(processorBackAt - upAt), alerts.size(),
            reference.alerts().size());
        reference.assertLiveAlerts(alerts, "broker restart during run");
      }
    } finally {
      producer.destroyForcibly();
      if (processor != null) {
        processor.destroyForcibly();
      }
    }
  }
}
