package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The uninterrupted run every fault test compares with: the {@link Cli#SEMESTER} produced with
 * {@code produce} and processed with {@code process} in a virtual host of its own, without any
 * fault. Computed once per test JVM and kept (the run is deterministic: same inputs, same alerts).
 *
 * @param inputs the input streams' messages
 * @param alerts {@code 04-Alerts}
 */
record Reference(Map<String, List<String>> inputs, List<String> alerts) {

  private static Reference cached;

  static synchronized Reference get() throws Exception {
    if (cached == null) {
      cached = compute();
    }
    return cached;
  }

  private static Reference compute() throws Exception {
    RabbitVhost vhost = RabbitMqExtension.createVhost("Reference");
    Path dir = Files.createTempDirectory("cp-reference");
    try {
      Path logFile = dir.resolve("reference.log");
      Cli.run(logFile, List.of(), Cli.produce(vhost.uri()));
      Cli.run(
          logFile, List.of(), Cli.process(vhost.uri(), dir.resolve("state"), "--stop-when-idle", "2"));
      Map<String, List<String>> inputs = new LinkedHashMap<>();
      try (StreamLog log = vhost.openLog()) {
        for (String s : StreamNames.INPUTS) {
          inputs.put(s, Cli.readAll(log, s));
        }
        List<String> alerts = Cli.readAll(log, StreamNames.ALERTS);
        System.out.printf(
            "reference run: %s events, %d alerts%n",
            inputs.values().stream().mapToInt(List::size).sum(), alerts.size());
        return new Reference(inputs, alerts);
      }
    } finally {
      RabbitMqExtension.deleteVhost(vhost);
    }
  }

  /**
   * An alert without the score and factors it carries: those rank the student within the cohort
   * the task sees (with partitioned inputs the partition's share of the class; with hostile input
   * also the valid new students it enrolled), while the decision itself must not change.
   */
  static String decision(String alert) {
    return alert.replaceFirst(",\"score\":[0-9.]+", "").replaceFirst(",\"factors\":\\[[^\\]]*\\]", "");
  }

  /** {@link #alerts()} as {@link #decision decisions}. */
  List<String> decisions() {
    return alerts.stream().map(Reference::decision).toList();
  }

  /**
   * Writes {@code inputs} to the input streams of a new virtual host of the RabbitMQ 3.10 node and
   * processes them there with one uninterrupted {@code process}.
   *
   * @return the alerts written
   */
  static List<String> process(Map<String, List<String>> inputs, String name) throws Exception {
    RabbitVhost vhost = RabbitMqExtension.createVhost(name);
    Path dir = Files.createTempDirectory("cp-" + name);
    try {
      try (StreamLog log = vhost.openLog()) {
        for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
          log.createStream(e.getKey(), Retention.unlimited());
          try (LogWriter w = log.writer(e.getKey(), "reference")) {
            long id = 0;
            for (String m : e.getValue()) {
              w.append(id++, m.getBytes(StandardCharsets.UTF_8));
            }
            w.flush(Duration.ofMinutes(2));
          }
        }
      }
      Cli.run(
          dir.resolve("process.log"), List.of(),
          Cli.process(vhost.uri(), dir.resolve("state"), "--stop-when-idle", "2"));
      try (StreamLog log = vhost.openLog()) {
        return Cli.readAll(log, StreamNames.ALERTS);
      }
    } finally {
      RabbitMqExtension.deleteVhost(vhost);
    }
  }

  private static Reference partitioned;

  /**
   * What the tasks over a partitioned semester must write together, whichever instances run them:
   * each partition's inputs (read from {@code source}, {@code <input>-<k>}) copied to plain
   * streams of a virtual host of their own and processed there by one uninterrupted {@code
   * process}. A task's stream time is its partition's, not the whole class's, so at the edges (the
   * last days of a term, a quiet week) its timers fire where the plain run over all students'
   * streams would not (docs/scaling.md); scaling out must change nothing beyond that. Computed
   * once per test JVM (the semester and its partitioning are deterministic).
   */
  static synchronized Reference partitioned(StreamLog source, int partitions) throws Exception {
    if (partitioned == null) {
      Map<String, List<String>> inputs = new LinkedHashMap<>();
      List<String> alerts = new java.util.ArrayList<>();
      for (int k = 0; k < partitions; k++) {
        Map<String, List<String>> partition = new LinkedHashMap<>();
        for (String s : StreamNames.INPUTS) {
          partition.put(s, Cli.readAll(source, s + "-" + k));
          inputs.computeIfAbsent(s, x -> new java.util.ArrayList<>()).addAll(partition.get(s));
        }
        alerts.addAll(process(partition, "Reference-partition-" + k));
      }
      partitioned = new Reference(inputs, alerts);
    }
    return partitioned;
  }

  /**
   * How many alerts a live run may miss or add against the replay: 2 % (one run on the reliability
   * semester: 1,262 alerts against 1,256, 16 differing among the first 1,000).
   */
  int maxLiveDifference() {
    return Math.max(5, alerts.size() / 50);
  }

  /**
   * Asserts what a live run that went through a fault must write: no alert opened or resolved
   * twice, no resolution without its opening (effectively once), and decisions that differ from
   * this replay only by what live arrival order explains. Processed live, 02-Login and 03-Activity
   * reach the task a few milliseconds apart, at a pace of 400,000 simulated seconds per second: a
   * timer can fire before a record of about the same event time on the other input arrives (the
   * engine waits only for an input whose log already has more). A replay of the same inputs
   * decides exactly as the reference; the live run may differ by a few alerts, not more.
   */
  void assertLiveAlerts(List<String> alerts, String label) {
    java.util.Set<String> opened = new java.util.HashSet<>();
    java.util.Set<String> resolved = new java.util.HashSet<>();
    for (String text : alerts) {
      Alert a = AlertCodec.decode(text.getBytes(StandardCharsets.UTF_8));
      if (a.type() == Alert.Type.OPENED) {
        assertThat(opened.add(a.alertId())).as("opened once: %s", a.alertId()).isTrue();
      } else {
        assertThat(opened).as("resolved after opened").contains(a.alertId());
        assertThat(resolved.add(a.alertId())).as("resolved once: %s", a.alertId()).isTrue();
      }
    }
    List<String> missing = new java.util.ArrayList<>(decisions());
    alerts.stream().map(Reference::decision).forEach(missing::remove);
    List<String> extra = new java.util.ArrayList<>(alerts.stream().map(Reference::decision).toList());
    decisions().forEach(extra::remove);
    System.out.printf(
        "%s: live alerts differing from the replay: %d missing, %d extra%n  missing %s%n"
            + "  extra %s%n",
        label, missing.size(), extra.size(), brief(missing), brief(extra));
    assertThat(missing.size() + extra.size())
        .as(
            "%d missing and %d extra alerts differing from the replay; missing %s, extra %s",
            missing.size(), extra.size(), brief(missing), brief(extra))
        .isLessThanOrEqualTo(2 * maxLiveDifference());
  }

  /** Alerts in a line each: type, rule, student, course, time and evidence tell them apart. */
  private static List<String> brief(List<String> alerts) {
    return alerts.stream()
        .map(text -> AlertCodec.decode(text.getBytes(StandardCharsets.UTF_8)))
        .map(
            a -> a.type() + " " + a.rule() + " " + a.studentId() + " " + a.courseId() + " "
                + (a.type() == Alert.Type.OPENED ? a.openedAt() : a.resolvedAt()) + " "
                + a.evidence())
        .toList();
  }

  long inputCount() {
    return inputs.values().stream().mapToLong(List::size).sum();
  }
}
