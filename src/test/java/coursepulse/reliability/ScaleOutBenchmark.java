package coursepulse.reliability;

import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMq4Extension;
import coursepulse.testing.RabbitVhost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Issue 13's throughput figure in one run (not a test): the {@link Cli#SEMESTER} in super streams
 * of three partitions on the RabbitMQ 4.0 node, processed by 1, 2 and 3 {@code process} instances
 * (child JVMs), next to the raw consume rate of the same partitions through the log port. Each
 * count gets its own virtual host; the time runs from starting the instances until {@code
 * 04-Alerts} holds every alert of the single-instance reference run.
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * eval "$(bash .ci/rabbitmq4.sh)"; bash .ci/rabbitmq.sh
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     coursepulse.reliability.ScaleOutBenchmark
 * </pre>
 */
public final class ScaleOutBenchmark {

  private static final int PARTITIONS = 3;

  private ScaleOutBenchmark() {}

  public static void main(String[] args) throws Exception {
    int expectedAlerts = Reference.get().alerts().size();
    Path dir = Files.createTempDirectory("cp-scale-bench");
    StringBuilder report = new StringBuilder();
    for (int instances = 1; instances <= 3; instances++) {
      RabbitVhost vhost = RabbitMq4Extension.createVhostOn4("ScaleOutBench");
      try (StreamLog log = vhost.openLog()) {
        Path logs = dir.resolve("n" + instances);
        Cli.run(logs.resolve("setup.log"), List.of(),
            List.of("streams", "--create", "--partitions", String.valueOf(PARTITIONS), "--uri", vhost.uri()));
        Cli.run(logs.resolve("setup.log"), List.of(), Cli.produce(vhost.uri()));
        long events = 0;
        long t0 = System.nanoTime();
        for (String input : StreamNames.INPUTS) {
          for (String partition : log.partitions(input)) {
            events += drain(log, partition);
          }
        }
        double raw = events / ((System.nanoTime() - t0) / 1e9);

        List<Process> running = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < instances; i++) {
          running.add(
              Cli.start(logs.resolve("instance-" + i + ".log"), List.of(),
                  Cli.process(vhost.uri(), logs.resolve("state-" + i))));
        }
        while (Cli.count(log, StreamNames.ALERTS) < expectedAlerts) {
          if (running.stream().noneMatch(Process::isAlive)) {
            throw new IllegalStateException("instances exited; logs in " + logs);
          }
          Thread.sleep(100);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (Process p : running) {
          p.destroy();
        }
        for (Process p : running) {
          p.waitFor(60, TimeUnit.SECONDS);
        }
        String line = String.format(
            "%d instance(s): %,d events in %.1f s = %,.0f events/s; raw consume of the same"
                + " partitions %,.0f events/s; ratio %.3f%n",
            instances, events, seconds, events / seconds, raw, events / seconds / raw);
        System.out.print(line);
        report.append(line);
      } finally {
        RabbitMq4Extension.deleteVhostOn4(vhost);
      }
    }
    System.out.println();
    System.out.print(report);
  }

  /** Reads a stream from its first offset to its end; returns the messages read. */
  private static long drain(StreamLog log, String stream) {
    long end = log.stats(stream).map(s -> s.lastOffset() + 1).orElse(0L);
    long n = 0;
    try (LogReader r = log.reader(stream, OffsetSpec.first())) {
      while (n < end && r.poll(Duration.ofSeconds(5)) != null) {
        n++;
      }
    }
    return n;
  }
}
