package coursepulse.reliability;

import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
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

  long inputCount() {
    return inputs.values().stream().mapToLong(List::size).sum();
  }
}
