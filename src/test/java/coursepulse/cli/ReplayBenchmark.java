package coursepulse.cli;

import coursepulse.engine.log.StreamStats;
import coursepulse.io.rabbit.RabbitBench;
import coursepulse.io.rabbit.RabbitSettings;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Locale;
import picocli.CommandLine;

/**
 * Replay throughput through RabbitMQ next to the raw stream-client consume rate, in one run.
 * Publishes a simulated term into the virtual host of the URI when its inputs are empty (use a
 * virtual host of its own: the replay reads 01-Enrollment, 02-Login, 03-Activity), runs {@code
 * replay --from first}, then consumes each input with {@link RabbitBench#rawConsume} (the raw
 * stream-client consumer of the bench).
 *
 * <pre>
 * rabbitmqctl add_vhost cp-replay-bench
 * rabbitmqctl set_permissions -p cp-replay-bench guest ".*" ".*" ".*"
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     coursepulse.cli.ReplayBenchmark rabbitmq-stream://guest:guest@localhost:5552/cp-replay-bench 2000 105
 * </pre>
 */
public final class ReplayBenchmark {

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    int students = Integer.parseInt(args[1]);
    int days = args.length > 2 ? Integer.parseInt(args[2]) : 105;
    SimulationConfig config = SimulationConfig.defaults().withStudents(students).withDays(days);
    long events = 0;
    try (RabbitStreamLog log = RabbitStreamLog.connect(RabbitSettings.of(uri))) {
      long t0 = System.nanoTime();
      new SimulationPublisher(Pacer.unlimited(), p -> {}).publish(new Simulation(config), log);
      System.out.printf(Locale.ROOT, "published (or found) the term in %.1f s%n",
          (System.nanoTime() - t0) / 1e9);
      for (String s : StreamNames.INPUTS) {
        events += log.stats(s).map(StreamStats::count).orElse(0L);
      }
    }
    System.out.printf(Locale.ROOT, "%,d students, %d days: %,d events%n", students, days, events);
    StringWriter out = new StringWriter();
    long t0 = System.nanoTime();
    int exit =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out, true))
            .setExecutionExceptionHandler(new ErrorHandler())
            .execute("replay", "--from", "first", "--progress", "lines", "--progress-interval", "30s",
                "--uri", uri);
    double replaySeconds = (System.nanoTime() - t0) / 1e9;
    System.out.print(out);
    if (exit != 0) {
      throw new IllegalStateException("replay failed: " + exit);
    }
    System.out.printf(Locale.ROOT,
        "replay (whole command: range resolution, engine start, processing, close): %,.0f events/s%n",
        events / replaySeconds);
    double seconds = 0;
    try (RabbitStreamLog log = RabbitStreamLog.connect(RabbitSettings.of(uri))) {
      for (String s : StreamNames.INPUTS) {
        long n = log.stats(s).map(StreamStats::count).orElse(0L);
        double rate = n * 1e9 / RabbitBench.rawConsume(log, s, (int) n);
        seconds += n / rate;
        System.out.printf(Locale.ROOT, "raw consume %s: %,.0f msg/s%n", s, rate);
      }
    }
    System.out.printf(Locale.ROOT, "raw consume, all inputs: %,.0f msg/s%n", events / seconds);
  }
}
