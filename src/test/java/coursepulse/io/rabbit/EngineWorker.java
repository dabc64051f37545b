package coursepulse.io.rabbit;

import coursepulse.engine.StreamEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * A child-JVM entry point for crash tests: runs {@link WindowedCountApp} on RabbitMQ from a state
 * directory until idle, printing {@code RUNNING} and then {@code IDLE}; a test kills it with
 * SIGKILL at any point in between.
 *
 * <p>Arguments: {@code uri applicationId output stateDir checkpointMillis spinNanos input...}
 */
public final class EngineWorker {

  private EngineWorker() {}

  public static void main(String[] args) throws Exception {
    String uri = args[0];
    String appId = args[1];
    String output = args[2];
    Path stateDir = Path.of(args[3]);
    Duration checkpoint = Duration.ofMillis(Long.parseLong(args[4]));
    long spinNanos = Long.parseLong(args[5]);
    List<String> inputs = List.of(args).subList(6, args.length);
    try (RabbitStreamLog log = RabbitStreamLog.connect(uri);
        StreamEngine engine =
            WindowedCountApp.engine(log, appId, inputs, output, stateDir, checkpoint, spinNanos)
                .build()) {
      engine.start();
      System.out.println("RUNNING");
      System.out.flush();
      if (!engine.awaitIdle(Duration.ofMinutes(5))) {
        System.out.println("FAILED " + engine.state() + " " + engine.failure().orElse(null));
        System.exit(2);
      }
      System.out.println("IDLE");
      System.out.flush();
    }
    System.exit(0);
  }
}
