package coursepulse.reliability;

import static coursepulse.testing.RabbitClusterExtension.clusterUri;
import static coursepulse.testing.RabbitClusterExtension.leader;
import static coursepulse.testing.RabbitClusterExtension.nodeUri;
import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.StreamLog;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitClusterExtension;
import coursepulse.testing.RabbitVhost;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A RabbitMQ cluster of three nodes ({@code .ci/rabbitmq4-cluster.sh}) loses the node leading the
 * input and output streams, by SIGKILL, while {@code produce} and {@code process} run against it
 * with every node's URI; the node comes back later. Each stream has a replica on every node, so a new leader is elected among the two
 * survivors and the commands must carry on there on their own: the inputs equal the uninterrupted
 * single-node {@link Reference} run's, and the alerts are written effectively once and equal it as
 * the single-node fault tests compare. Prints how long publishing and processing paused.
 */
@ExtendWith(RabbitClusterExtension.class)
class ClusterFailoverIT {

  /** The node the tests create their streams through, which then leads them all. */
  private static final int VICTIM = 1;

  @TempDir Path tmp;

  private final List<Process> processes = new ArrayList<>();
  private RabbitVhost vhost;
  private boolean victimDown;

  @BeforeEach
  void createVhost(RabbitVhost classVhost) throws Exception {
    vhost = RabbitClusterExtension.createVhostOnCluster("ClusterFailoverIT");
    RabbitClusterExtension.leadersWhereDeclared(vhost);
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    if (victimDown) {
      RabbitClusterExtension.startNode(VICTIM); // leave the cluster whole for the next test
    }
    RabbitClusterExtension.deleteVhostOnCluster(vhost);
  }

  @Test
  void shouldKeepPublishingAndProcessingWhenTheLeaderNodeIsKilled() throws Exception {
    Reference reference = Reference.get();
    Path setup = tmp.resolve("setup.log");
    Cli.run(setup, List.of(), List.of("streams", "--create", "--uri", nodeUri(vhost, VICTIM)));
    assertThat(leader(vhost, StreamNames.ACTIVITY)).as("03-Activity's leader").isEqualTo(VICTIM);
    assertThat(leader(vhost, StreamNames.ALERTS)).as("04-Alerts' leader").isEqualTo(VICTIM);

    String uri = clusterUri(vhost);
    Path produceLog = tmp.resolve("produce.log");
    Path processLog = tmp.resolve("process.log");
    // ~16.5 million simulated seconds (enrolments from June to the term's end) in ~66 s: the
    // kill must land while it still publishes, after the processor (started once the first login
    // is stored) wrote 30 alerts; at ~40 s a loaded CI machine sometimes finished publishing first.
    Process producer = start(produceLog, Cli.produce(uri, "--speed", "250000"));
    Process processor = null;
    try (StreamLog log = RabbitStreamLog.connect(uri)) {
      Cli.await(() -> Cli.count(log, StreamNames.LOGIN) > 0 ? 1 : 0, 1, producer, produceLog);
      processor = start(processLog, Cli.process(uri, tmp.resolve("state")));
      Process p = processor;
      Cli.await(() -> Cli.count(log, StreamNames.ALERTS), 30, p, processLog);
      assertThat(producer.isAlive()).as("producer still publishing at the kill").isTrue();

      long killAt = System.nanoTime();
      kill();
      // What the survivors hold right after the kill (a replica answers while the leader moves);
      // publishing and processing are back when these grow.
      long inputsAtKill = Cli.await(() -> Cli.available(() -> Cli.inputs(log)), 0, producer, produceLog);
      long alertsAtKill =
          Cli.await(() -> Cli.available(() -> Cli.count(log, StreamNames.ALERTS)), 0, p, processLog);
      Cli.await(() -> Cli.available(() -> Cli.inputs(log)), inputsAtKill + 1, producer, produceLog);
      long producerBack = System.nanoTime() - killAt;
      Cli.await(
          () -> Cli.available(() -> Cli.count(log, StreamNames.ALERTS)), alertsAtKill + 1, p,
          processLog);
      long processorBack = System.nanoTime() - killAt;
      int activityLeader = leader(vhost, StreamNames.ACTIVITY);
      int alertsLeader = leader(vhost, StreamNames.ALERTS);
      assertThat(List.of(activityLeader, alertsLeader)).as("new leaders").doesNotContain(VICTIM);

      long restartAt = System.nanoTime();
      restart();
      long restart = System.nanoTime() - restartAt;

      Cli.awaitSuccess(producer, produceLog);
      // the run is live, so its count may differ a little from the reference: wait for most of
      // it, then until nothing more comes (a late duplicate, if any, shows up too)
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

      for (String s : StreamNames.INPUTS) {
        assertThat(Cli.readAll(log, s)).as(s).isEqualTo(reference.inputs().get(s));
      }
      List<String> alerts = Cli.readAll(log, StreamNames.ALERTS);
      System.out.printf(
          "cluster failover: killed node %d (leader of every stream) at %d events / %d alerts;"
              + " producer publishing again after %d ms, processor alerting again after %d ms"
              + " (new leaders: 03-Activity node %d, 04-Alerts node %d); node %d back in the"
              + " cluster %d ms after its start; %d alerts, reference %d%n",
          VICTIM, inputsAtKill, alertsAtKill, TimeUnit.NANOSECONDS.toMillis(producerBack),
          TimeUnit.NANOSECONDS.toMillis(processorBack), activityLeader, alertsLeader, VICTIM,
          TimeUnit.NANOSECONDS.toMillis(restart), alerts.size(), reference.alerts().size());
      reference.assertLiveAlerts(alerts, "cluster failover");
    }
  }

  private Process start(Path logFile, List<String> args) throws java.io.IOException {
    Process p = Cli.start(logFile, List.of(), args);
    processes.add(p);
    return p;
  }

  private void kill() throws Exception {
    victimDown = true;
    RabbitClusterExtension.kill(VICTIM);
  }

  private void restart() throws Exception {
    RabbitClusterExtension.startNode(VICTIM);
    victimDown = false;
  }
}
