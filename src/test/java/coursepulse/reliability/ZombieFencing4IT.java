package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMq4Extension;
import coursepulse.testing.RabbitVhost;
import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * A zombie instance: two {@code process} instances share a partitioned semester on the RabbitMQ
 * 4.0 node; one is paused with SIGSTOP until the broker has given its tasks to the other (a 1 s
 * heartbeat, so that takes seconds, not minutes), then resumed with SIGCONT and left running. It
 * must not write beside the tasks' new holder: 04-Alerts equals the per-partition reference (none
 * missing, none doubled), and nothing it writes after the pause lands in the application's
 * checkpoint stream out of turn (every task's checkpoint sequences rise along the stream; a zombie
 * that goes on from its stale state writes a sequence its successor has passed).
 */
@ExtendWith(RabbitMq4Extension.class)
class ZombieFencing4IT {

  private static final Pattern ASSIGNED = Pattern.compile("task (\\d+) assigned to this instance");
  private static final Pattern ASSIGNED_OR_REVOKED =
      Pattern.compile("task (\\d+) (assigned to this instance|revoked)");
  private static final int SNAPSHOT_MAGIC = 0x43505431; // LogCheckpointStore's "CPT1"
  // Checkpoint's "CPK2" (full or delta; the layout up to the sequence is that of the older "CPK1")
  private static final int CHECKPOINT_MAGIC = 0x43504b32;

  @TempDir Path tmp;

  private final List<Process> instances = new ArrayList<>();
  private RabbitVhost vhost;

  @BeforeEach
  void createVhost(RabbitVhost classVhost) throws Exception {
    vhost = RabbitMq4Extension.createVhostOn4("ZombieFencing4IT");
  }

  @AfterEach
  void stopInstances() throws Exception {
    for (Process p : instances) {
      signal(p, "CONT"); // a paused JVM ignores SIGKILL's exit until resumed on some kernels
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    // the instances' whole logs, for a failure in CI (the temporary directory goes away)
    Path keep = Path.of("target", "zombie-fencing-logs");
    Files.createDirectories(keep);
    for (int i = 0; i < instances.size(); i++) {
      if (Files.exists(logOf(i))) {
        Files.copy(logOf(i), keep.resolve("instance-" + i + ".log"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
    RabbitMq4Extension.deleteVhostOn4(vhost);
  }

  @Test
  void shouldNotLetAPausedInstanceWriteBesideTheNewHolderOfItsTasks() throws Exception {
    ScaleOut4IT.producePartitionedSemester(vhost, tmp.resolve("setup.log"));
    Reference reference = ScaleOut4IT.partitionedReference(vhost);
    // The broker gives partition k to the (k mod n)-th member in the order they joined that
    // partition. Started together, the instance to pause may join partition 1 before the other
    // and then hold no task at all (seen once in CI). Started first and holding every task, it
    // is first everywhere and keeps tasks 0 and 2 when the other joins.
    Process zombie = start(1);
    instances.add(zombie);
    Cli.await(() -> heldNow(1).size(), ScaleOut4IT.PARTITIONS, zombie, logOf(1));
    instances.add(0, start(0));
    try (StreamLog log = vhost.openLog()) {
      Cli.await(() -> heldNow(1).isEmpty() ? 0 : 1, 1, zombie, logOf(1));
      Cli.await(
          () -> Cli.count(log, StreamNames.ALERTS), reference.alerts().size() / 5, zombie,
          logOf(1));
      // pause it with work in hand: a task it holds has checkpointed on the broker, so it runs
      String zombieName = zombie.pid() + "@";
      Cli.await(
          () -> snapshots(log).stream()
                  .anyMatch(s -> s.instance().startsWith(zombieName) && heldNow(1).contains(s.task()))
              ? 1 : 0,
          1, zombie, logOf(1));
      Set<Integer> zombieTasks = heldTasks(1);
      assertThat(zombieTasks).as("tasks the instance to pause holds").isNotEmpty();
      int survivorLogBefore = Files.readString(logOf(0)).length();
      signal(zombie, "STOP");
      long stoppedAt = System.nanoTime();
      long atPause = Cli.count(log, StreamNames.ALERTS);

      // the survivor may have held these tasks before: only assignments after the pause count
      Cli.await(
          () -> assignedSince(0, survivorLogBefore).containsAll(zombieTasks) ? 1 : 0, 1,
          instances.get(0), logOf(0));
      double leaseMoved = (System.nanoTime() - stoppedAt) / 1e9;
      // let the new holder write checkpoints of its own before the zombie wakes up
      Thread.sleep(3_000);
      signal(zombie, "CONT");

      Cli.await(
          () -> Cli.count(log, StreamNames.ALERTS), reference.alerts().size(), instances.get(0),
          logOf(0));
      // it noticed its pause, stopped what it held and joined again (before it is stopped here)
      Cli.await(() -> logContains(1, "joining it again") ? 1 : 0, 1, zombie, logOf(1));
      awaitQuiet(log);
      stopAll();

      assertThat(Cli.readAll(log, StreamNames.ALERTS))
          .containsExactlyInAnyOrderElementsOf(reference.alerts());
      assertThat(checkpointsOutOfTurn(log))
          .as("checkpoints written by a holder that had lost its task")
          .isEmpty();
      assertThat(Files.readString(logOf(0)))
          .as("the survivor ran on (a task that fails stops the instance)")
          .doesNotContain("ERROR");
      String zombieLog = Files.readString(logOf(1));
      // Without the fence the zombie went on appending after SIGCONT: the broker had closed its
      // connections, so the appends were refused ("producer not available") and the failed tasks
      // stopped the instance; once the client had reconnected they would have gone through.
      // The instance's own presence heartbeat (<app>-instances, not a task's output) may be
      // refused once on the connection the broker closed during the pause: that line is not a
      // zombie write, every other refusal is.
      String zombieWrites =
          zombieLog
              .lines()
              .filter(line -> !line.contains("InstancePresence - cannot write this instance's"))
              .collect(java.util.stream.Collectors.joining("\n"));
      assertThat(zombieWrites)
          .as("the paused instance tried to write after its lease moved, or failed")
          .doesNotContain("refused a message")
          .doesNotContain("ERROR");
      // it noticed its pause and joined again (it may have got tasks back from the survivor)
      assertThat(zombieLog).contains("stood still for").contains("joining it again");
      System.out.printf(
          "zombie: paused instance 1 (tasks %s, heartbeat 1 s) at %d of %d alerts; its tasks were"
              + " assigned to the other instance %.2f s after SIGSTOP; after SIGCONT it fenced"
              + " %d task(s) and rejoined%n",
          zombieTasks, atPause, reference.alerts().size(), leaseMoved,
          countMatches(zombieLog, "engine \\S+ task \\d+: fenced"));
    }
  }

  /**
   * Checkpoints whose sequence does not rise above the task's previous one along the stream: what
   * a zombie writes when it goes on from the state it had before its pause, after the task's new
   * holder has restored and checkpointed further.
   */
  private static List<String> checkpointsOutOfTurn(StreamLog log) {
    List<String> out = new ArrayList<>();
    Map<Integer, Snapshot> last = new HashMap<>();
    for (Snapshot s : snapshots(log)) {
      Snapshot previous = last.put(s.task(), s);
      if (previous != null && s.sequence() <= previous.sequence()) {
        out.add(s + " after " + previous);
      }
    }
    return out;
  }

  /** One task snapshot in the checkpoint stream (LogCheckpointStore's layout). */
  record Snapshot(long offset, int task, String instance, long sequence) {}

  /** The task snapshots in the application's checkpoint stream, in stream order. */
  private static List<Snapshot> snapshots(StreamLog log) {
    List<Snapshot> out = new ArrayList<>();
    String stream = "coursepulse-checkpoints";
    if (!log.streamExists(stream)) {
      return out;
    }
    long end = log.stats(stream).map(s -> s.lastOffset()).orElse(-1L);
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      while (true) {
        LogMessage m = reader.poll(Duration.ofSeconds(2));
        if (m == null) {
          break;
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(m.body()));
        if (in.readInt() == SNAPSHOT_MAGIC) {
          int task = in.readInt();
          String instance = in.readUTF();
          in.readLong(); // written at
          if (in.readInt() == CHECKPOINT_MAGIC) {
            out.add(new Snapshot(m.offset(), task, instance, in.readLong()));
          }
        }
        if (m.offset() >= end) {
          break;
        }
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return out;
  }

  private Set<Integer> heldNow(int i) {
    try {
      return heldTasks(i);
    } catch (IOException e) {
      return Set.of();
    }
  }

  /**
   * Polls until the checkpoint stream has not grown for three seconds (three checkpoint
   * intervals): both instances have checkpointed what they processed, the zombie included.
   */
  private static void awaitQuiet(StreamLog log) throws InterruptedException {
    long deadline = System.nanoTime() + Cli.DEADLINE.toNanos();
    long last = -2;
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = log.stats("coursepulse-checkpoints").map(s -> s.lastOffset()).orElse(-1L);
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(3)) {
        return;
      }
      TimeUnit.MILLISECONDS.sleep(200); // polling interval
    }
    throw new AssertionError("the checkpoint stream never stopped growing");
  }

  private boolean logContains(int i, String text) {
    try {
      return Files.readString(logOf(i)).contains(text);
    } catch (IOException e) {
      return false;
    }
  }

  private static void signal(Process p, String signal) throws IOException, InterruptedException {
    if (!p.isAlive()) {
      return;
    }
    Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
  }

  private void stopAll() throws InterruptedException {
    for (Process p : instances) {
      p.destroy();
    }
    for (Process p : instances) {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("instance stopped on SIGTERM").isTrue();
    }
  }

  private Process start(int i) throws IOException {
    return Cli.start(
        logOf(i), List.of(),
        Cli.process(vhost.uri(), tmp.resolve("state-" + i), "--heartbeat", "1s"));
  }

  private Path logOf(int i) {
    return tmp.resolve("instance-" + i + ".log");
  }

  /** Tasks the instance's log says it holds now: assigned and not revoked since. */
  private Set<Integer> heldTasks(int i) throws IOException {
    Set<Integer> held = new TreeSet<>();
    Matcher m = ASSIGNED_OR_REVOKED.matcher(Files.readString(logOf(i)));
    while (m.find()) {
      int task = Integer.parseInt(m.group(1));
      if (m.group(2).equals("assigned to this instance")) {
        held.add(task);
      } else {
        held.remove(task);
      }
    }
    return held;
  }

  /** Tasks the instance's log says it was given after its first {@code from} characters. */
  private Set<Integer> assignedSince(int i, int from) {
    Set<Integer> tasks = new TreeSet<>();
    try {
      String text = Files.readString(logOf(i));
      Matcher m = ASSIGNED.matcher(text.substring(Math.min(from, text.length())));
      while (m.find()) {
        tasks.add(Integer.parseInt(m.group(1)));
      }
    } catch (IOException e) {
      // not written yet
    }
    return tasks;
  }

  private static int countMatches(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }
}
