package coursepulse.reliability;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.nio.file.Files;
import java.nio.file.Path;
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

  long inputCount() {
    return inputs.values().stream().mapToLong(List::size).sum();
  }
}
