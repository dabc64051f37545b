package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMq4Extension;
import coursepulse.testing.RabbitVhost;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code process} instances of one application over a semester in super streams of three
 * partitions, on the RabbitMQ 4.0 node: the broker spreads the three tasks over the instances
 * (single active consumer) and moves them when one dies or joins, tasks restore from the
 * application's checkpoint stream, and 04-Alerts must always equal one uninterrupted run per
 * partition ({@link Reference#partitioned}): the same alerts, none missing, none doubled.
 */
@ExtendWith(RabbitMq4Extension.class)
class ScaleOut4IT {

  static final int PARTITIONS = 3;
  private static final Pattern ASSIGNED = Pattern.compile("task (\\d+) assigned to this instance");

  @TempDir Path tmp;

  private final List<Process> instances = new ArrayList<>();
  private RabbitVhost vhost;

  @BeforeEach
  void createVhost(RabbitVhost classVhost) throws Exception {
    // each test its own streams and 04-Alerts: the class's host only proves the node is there
    vhost = RabbitMq4Extension.createVhostOn4("ScaleOut4IT");
  }

  @AfterEach
  void stopInstances() throws Exception {
    for (Process p : instances) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    RabbitMq4Extension.deleteVhostOn4(vhost);
  }

  @Test
  void shouldEqualTheSingleInstanceRunWithThreeInstances() throws Exception {
    producePartitionedSemester();
    Reference reference = partitionedReference();
    long start = System.nanoTime();
    for (int i = 0; i < 3; i++) {
      startInstance(vhost, i);
    }
    try (StreamLog log = vhost.openLog()) {
      awaitAlerts(log, reference);
      double seconds = (System.nanoTime() - start) / 1e9;
      stopAll();
      assertSameAlerts(log, reference);
      System.out.printf(
          "scale-out: 3 instances, %d partitions: %d alerts after %.1f s (%.0f input events/s)%n",
          PARTITIONS, reference.alerts().size(), seconds, reference.inputCount() / seconds);
    }
    // Which instance ends up with which task is the broker's choice (partition k goes to the
    // member at k mod n of that partition's group, in an order of its own): every task was run,
    // and the spread itself is RabbitGroups4IT's subject.
    Set<Integer> all = new TreeSet<>();
    List<Set<Integer>> perInstance = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      perInstance.add(assignedTasks(i));
      all.addAll(assignedTasks(i));
    }
    assertThat(all).containsExactly(0, 1, 2);
    System.out.printf("scale-out: tasks ever assigned per instance: %s%n", perInstance);

    // the operator's view: every task, the instance that last checkpointed it, its lag (not
    // necessarily 0: the instances were stopped as soon as the last alert was out, and records
    // that raise no alert may still have been waiting)
    Path streams = tmp.resolve("streams.log");
    Cli.run(streams, List.of(), List.of("streams", "--uri", vhost.uri()));
    String view = Files.readString(streams);
    assertThat(view).contains("application coursepulse: 3 tasks");
    for (int k = 0; k < PARTITIONS; k++) {
      assertThat(view)
          .containsPattern("(?m)^" + k + " +\\d+@\\S+ .*01-Enrollment-" + k + " \\d+, 02-Login-" + k
              + " \\d+, 03-Activity-" + k + " \\d+$");
    }
  }

  @Test
  void shouldMoveTheTasksOfAKilledInstanceAndStillEqualTheSingleInstanceRun() throws Exception {
    producePartitionedSemester();
    Reference reference = partitionedReference();
    for (int i = 0; i < 3; i++) {
      startInstance(vhost, i);
    }
    try (StreamLog log = vhost.openLog()) {
      long target = reference.alerts().size() / 4;
      // The victim must hold a task when it is killed: on a loaded machine its JVM once joined
      // the group only after the others had written a quarter of the alerts (CI79).
      Cli.await(() -> assignedTasks(1).isEmpty() ? 0 : 1, 1, instances.get(1), logOf(1));
      Cli.await(() -> Cli.count(log, StreamNames.ALERTS), target, instances.get(1), logOf(1));
      Set<Integer> victimTasks = assignedTasks(1);
      assertThat(victimTasks).isNotEmpty();
      instances.get(1).destroyForcibly(); // SIGKILL: no revoke, no final checkpoint
      long killedAt = System.nanoTime();
      assertThat(instances.get(1).waitFor(30, TimeUnit.SECONDS)).isTrue();
      long atKill = Cli.count(log, StreamNames.ALERTS);
      assertThat(atKill).as("killed mid-run").isLessThan(reference.alerts().size());

      Cli.await(
          () -> {
            Set<Integer> moved = new TreeSet<>(assignedTasks(0));
            moved.addAll(assignedTasks(2));
            return moved.containsAll(victimTasks) ? 1 : 0;
          },
          1, instances.get(0), logOf(0));
      double takeover = (System.nanoTime() - killedAt) / 1e9;

      awaitAlerts(log, reference);
      stopAll();
      assertSameAlerts(log, reference);
      System.out.printf(
          "scale-out: killed instance 1 (tasks %s) at %d of %d alerts; its tasks were assigned"
              + " to the survivors %.2f s after the kill%n",
          victimTasks, atKill, reference.alerts().size(), takeover);
    }
  }

  @Test
  void shouldGiveTasksToInstancesThatJoinLater() throws Exception {
    producePartitionedSemester();
    Reference reference = partitionedReference();
    startInstance(vhost, 0);
    try (StreamLog log = vhost.openLog()) {
      Cli.await(
          () -> Cli.count(log, StreamNames.ALERTS), reference.alerts().size() / 5,
          instances.get(0), logOf(0));
      assertThat(assignedTasks(0)).hasSize(PARTITIONS);
      long joinedAt = Cli.count(log, StreamNames.ALERTS);
      startInstance(vhost, 1);
      startInstance(vhost, 2);
      for (int i = 1; i < 3; i++) {
        int instance = i;
        Cli.await(() -> assignedTasks(instance).size(), 1, instances.get(i), logOf(i));
      }
      awaitAlerts(log, reference);
      stopAll();
      assertSameAlerts(log, reference);
      assertThat(Files.readString(logOf(0))).contains("revoked; stopped with a final checkpoint");
      System.out.printf(
          "scale-out: two instances joined at %d of %d alerts and took tasks %s and %s%n",
          joinedAt, reference.alerts().size(), assignedTasks(1), assignedTasks(2));
    }
  }

  /**
   * A batch run over super streams ends by itself: {@code process --stop-when-idle} once every
   * task has read its partitions to the end (it used to wait forever: its tasks were asked one
   * after the other whether they were idle, and the answers never fitted in the wait).
   */
  @Test
  void shouldStopWhenIdleOverPartitionedInputsWithTheSameAlerts() throws Exception {
    producePartitionedSemester();
    Reference reference = partitionedReference();
    long start = System.nanoTime();
    Cli.run(logOf(0), List.of(), Cli.process(vhost.uri(), tmp.resolve("state-0"), "--stop-when-idle", "2"));
    double seconds = (System.nanoTime() - start) / 1e9;
    try (StreamLog log = vhost.openLog()) {
      assertSameAlerts(log, reference);
    }
    assertThat(assignedTasks(0)).containsExactly(0, 1, 2);
    System.out.printf(
        "scale-out: one instance with --stop-when-idle 2 over %d partitions exited after %.1f s%n",
        PARTITIONS, seconds);
  }

  /** {@link Reference#partitioned}, from this test's partitions. */
  private Reference partitionedReference() throws Exception {
    return partitionedReference(vhost);
  }

  /** {@link #partitionedReference()} for other tests over the same partitioned semester. */
  static Reference partitionedReference(RabbitVhost vhost) throws Exception {
    try (StreamLog source = vhost.openLog()) {
      return Reference.partitioned(source, PARTITIONS);
    }
  }

  private void producePartitionedSemester() throws Exception {
    producePartitionedSemester(vhost, tmp.resolve("setup.log"));
  }

  /** Declares super streams of {@link #PARTITIONS} partitions and produces the semester in them. */
  static void producePartitionedSemester(RabbitVhost vhost, Path setup) throws Exception {
    Cli.run(
        setup, List.of(),
        List.of("streams", "--create", "--partitions", String.valueOf(PARTITIONS), "--uri", vhost.uri()));
    Cli.run(setup, List.of(), Cli.produce(vhost.uri()));
  }

  private void startInstance(RabbitVhost vhost, int i) throws IOException {
    instances.add(Cli.start(logOf(i), List.of(), Cli.process(vhost.uri(), tmp.resolve("state-" + i))));
  }

  private Path logOf(int i) {
    return tmp.resolve("instance-" + i + ".log");
  }

  /** Tasks the instance's log says it was given (ever, in this run). */
  private Set<Integer> assignedTasks(int i) {
    Set<Integer> tasks = new TreeSet<>();
    try {
      Matcher m = ASSIGNED.matcher(Files.readString(logOf(i)));
      while (m.find()) {
        tasks.add(Integer.parseInt(m.group(1)));
      }
    } catch (IOException e) {
      // not written yet
    }
    return tasks;
  }

  private void awaitAlerts(StreamLog log, Reference reference) throws InterruptedException {
    Process alive = instances.stream().filter(Process::isAlive).findFirst().orElseThrow();
    try {
      Cli.await(
          () -> Cli.count(log, StreamNames.ALERTS), reference.alerts().size(), alive,
          logOf(instances.indexOf(alive)));
    } catch (AssertionError tooFew) {
      // say which alerts are missing or extra, not only how many
      List<String> actual = Cli.readAll(log, StreamNames.ALERTS);
      List<String> missing = new ArrayList<>(reference.alerts());
      actual.forEach(missing::remove);
      List<String> extra = new ArrayList<>(actual);
      reference.alerts().forEach(extra::remove);
      throw new AssertionError(
          "missing " + missing + "; extra " + extra + "; " + tooFew.getMessage(), tooFew);
    }
  }

  /** SIGTERM: each instance stops its tasks with a final checkpoint and leaves the group. */
  private void stopAll() throws InterruptedException {
    for (Process p : instances) {
      p.destroy();
    }
    for (Process p : instances) {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("instance stopped on SIGTERM").isTrue();
    }
  }

  private static void assertSameAlerts(StreamLog log, Reference reference) {
    assertThat(Cli.readAll(log, StreamNames.ALERTS))
        .containsExactlyInAnyOrderElementsOf(reference.alerts());
  }

}
