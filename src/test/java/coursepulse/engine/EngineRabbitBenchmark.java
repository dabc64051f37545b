package coursepulse.engine;

import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.io.rabbit.RabbitBench;
import coursepulse.io.rabbit.RabbitSettings;
import coursepulse.io.rabbit.RabbitStreamLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * Issue 6's performance figure in one run (not a test): records/s of one stream grouped by key and
 * counted in 1-day tumbling windows (a) on the test driver and on an in-memory log, (b) through
 * RabbitMQ, next to (c) the raw stream-client consume rate of as many messages of the same size,
 * measured by the rabbit module's {@link RabbitBench} on the same broker.
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx2g -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     coursepulse.engine.EngineRabbitBenchmark [records] [rabbitmq-stream://guest:guest@localhost:5552/%2f]
 * </pre>
 *
 * <p>Creates streams {@code cp-enginebench-<random>-in/-out} in the URI's virtual host and deletes
 * them afterwards.
 */
public final class EngineRabbitBenchmark {

  private EngineRabbitBenchmark() {}

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String uri = args.length > 1 ? args[1] : RabbitSettings.DEFAULT_URI;
    int size = EngineBenchmark.event(n / 2).length();
    double driver = 0;
    double memory = 0;
    for (int round = 0; round < 2; round++) { // the first round warms up the JIT
      driver = EngineBenchmark.driver(n);
      memory = EngineBenchmark.engine(n);
    }
    double rabbit = 0;
    double rabbitNoSink = 0;
    for (int round = 0; round < 2; round++) {
      rabbit = Math.max(rabbit, rabbit(n, uri, true));
      rabbitNoSink = Math.max(rabbitNoSink, rabbit(n, uri, false));
    }
    RabbitBench.Result raw =
        new RabbitBench(RabbitSettings.of(uri), n, size, System.out).run(1);
    System.out.printf(
        "%nSUMMARY %,d records (~%d bytes): test driver %,.0f/s | in-memory engine %,.0f/s |"
            + " engine on RabbitMQ %,.0f/s (without sink %,.0f/s) | raw stream-client consume"
            + " %,.0f/s, publish %,.0f/s | engine/raw consume %.2f (without sink %.2f)%n",
        n, size, driver, memory, rabbit, rabbitNoSink, raw.rawConsume(), raw.rawPublish(),
        rabbit / raw.rawConsume(), rabbitNoSink / raw.rawConsume());
  }

  /**
   * @param sink whether every window update is written to an output stream (then the rate is
   *     bounded by publishing as well as consuming)
   */
  static double rabbit(int n, String uri, boolean sink) throws Exception {
    String prefix = "cp-enginebench-" + UUID.randomUUID().toString().substring(0, 8);
    String in = prefix + "-in";
    String out = prefix + "-out";
    try (RabbitStreamLog log = RabbitStreamLog.connect(uri)) {
      log.createStream(in, Retention.unlimited());
      log.createStream(out, Retention.unlimited());
      try {
        byte[][] bodies = EngineBenchmark.bodies(n);
        try (LogWriter w = log.writer(in, "bench")) {
          for (int i = 0; i < n; i++) {
            w.append(i, bodies[i]);
          }
          w.flush(Duration.ofMinutes(5));
        }
        Path dir = Files.createTempDirectory("bench");
        try (StreamEngine e =
            StreamEngine.builder()
                .applicationId(prefix)
                .topology(
                    sink ? EngineBenchmark.topology(in, out) : EngineBenchmark.countTopology(in))
                .log(log)
                .stateDir(dir)
                .checkpointInterval(Duration.ofHours(1))
                .build()) {
          long t0 = System.nanoTime();
          e.start();
          if (!e.awaitIdle(Duration.ofMinutes(10))) {
            throw new IllegalStateException("engine did not finish: " + e.state());
          }
          return EngineBenchmark.report(
              "StreamEngine on RabbitMQ" + (sink ? "" : " without sink") + " (" + log.describe() + ")", n, System.nanoTime() - t0);
        }
      } finally {
        log.deleteStream(in);
        log.deleteStream(out);
      }
    }
  }
}
