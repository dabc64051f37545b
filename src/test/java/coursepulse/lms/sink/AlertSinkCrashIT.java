package coursepulse.lms.sink;

import static coursepulse.lms.sink.AlertSinkIT.awaitUntil;
import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sink as users run it ({@code coursepulse sink} in its own JVM), killed with SIGKILL at
 * random points: after every kill the table must be exactly the fold of the records up to the
 * stored position (nothing beyond it applied, nothing before it missing), and the last run must
 * end with the table the whole stream gives.
 */
@ExtendWith({RabbitMqExtension.class, PostgresExtension.class})
class AlertSinkCrashIT {

  private static final String SINK = "crash-sink";

  @Test
  void shouldNeitherSkipNorRepeatRecordsWhenKilledAtRandomPoints(
      RabbitVhost vhost, RabbitStreamLog log, PostgresDatabase db) throws Exception {
    String stream = RabbitVhost.uniqueStream("alerts");
    // Two semesters' worth back to back (the ids repeat, so later copies re-apply the same rows,
    // which is what a sink that forgot its position would do anyway): enough records that small
    // batches take several seconds, so kills land mid-stream.
    List<byte[]> records = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      records.addAll(SinkFixtures.semester());
    }
    SinkFixtures.publish(log, stream, records);
    long last = records.size() - 1;
    long seed = System.nanoTime();
    Random random = new Random(seed);
    System.out.println("AlertSinkCrashIT seed " + seed);

    int kills = 0;
    long previous = -2; // no schema yet
    for (int run = 0; run < 6; run++) {
      Process sink = startSink(vhost, db, stream);
      try {
        if (run == 0) {
          // Killed while it may be creating the schema or writing its first batch.
          Thread.sleep(random.nextInt(1500));
        } else {
          long target = Math.min(last, previous + 1 + random.nextInt(records.size() / 6));
          awaitUntil(() -> position(db, stream) >= target || !sink.isAlive(),
              "sink passes offset " + target);
        }
        assertThat(sink.isAlive()).as("sink still running before kill %d", run).isTrue();
      } finally {
        sink.destroyForcibly();
        sink.waitFor(30, TimeUnit.SECONDS);
      }
      kills++;
      long stored = position(db, stream);
      assertThat(stored).isGreaterThanOrEqualTo(previous);
      try (Connection c = db.connect()) {
        if (stored >= -1) {
          assertThat(SinkFixtures.table(c))
              .as("table after kill %d at stored position %d", kills, stored)
              .isEqualTo(SinkFixtures.expected(records, stored));
        }
      }
      previous = stored;
    }

    Process sink = startSink(vhost, db, stream);
    try {
      awaitUntil(() -> position(db, stream) == last, "sink reaches the end after " + kills
          + " kills");
    } finally {
      sink.destroy();
      sink.waitFor(30, TimeUnit.SECONDS);
    }
    try (Connection c = db.connect()) {
      assertThat(SinkFixtures.table(c)).isEqualTo(SinkFixtures.expected(records, last));
    }
  }

  private static long position(PostgresDatabase db, String stream) {
    try (Connection c = db.connect()) {
      return SinkFixtures.position(c, SINK, stream);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Process startSink(RabbitVhost vhost, PostgresDatabase db, String stream)
      throws Exception {
    Path passwordFile = Files.createTempFile("sink-password", "");
    Files.writeString(passwordFile, db.password());
    Files.setPosixFilePermissions(passwordFile,
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    passwordFile.toFile().deleteOnExit();
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("coursepulse.cli.Main");
    command.addAll(List.of("sink", "--to", "postgres", "--jdbc-url", db.jdbcUrl(),
        "--db-user", db.user(), "--db-password-file", passwordFile.toString(),
        "--stream", stream, "--sink-name", SINK, "--batch-size", "50",
        "--max-batch-delay", "20ms", "--metrics-port", "0", "--report-interval", "5s"));
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.environment().put("COURSEPULSE_RABBITMQ_URI", vhost.uri());
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/alert-sink-crash-it.log")));
    return pb.start();
  }
}
