package coursepulse.cli;

import com.zaxxer.hikari.HikariDataSource;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.sink.AlertSink;
import coursepulse.lms.sink.OwnSchema;
import coursepulse.lms.web.Accounts;
import coursepulse.lms.web.WebDatabase;
import coursepulse.lms.web.WebServer;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The demo's instructors' pages: the sinks (alerts and the three input streams) into the demo's
 * own schema of the given PostgreSQL, emptied at start, the web server, and a demo instructor of
 * every simulated course with a fresh password, printed once.
 */
final class DemoWeb implements AutoCloseable {
  /**
   * Where the demo's tables live: never the tables of real work in the same database, and emptied
   * at every start, so each run shows its own semester (docs/web.md).
   */
  static final String SCHEMA = "coursepulse_demo";

  private final List<AlertSink> sinks = new ArrayList<>();
  private HikariDataSource ds;
  private WebServer web;

  static DemoWeb start(StreamLog streams, DatabaseOptions db, int port, Path groundTruth,
      MeterRegistry registry, PrintWriter err) throws SQLException, IOException {
    DemoWeb d = new DemoWeb();
    try {
      String password = db.password();
      String url = OwnSchema.reset(db.url(), db.user, password, SCHEMA);
      d.ds = WebDatabase.open(url, db.user, password);
      for (String stream : List.of(StreamNames.ALERTS, StreamNames.ENROLLMENT,
          StreamNames.LOGIN, StreamNames.ACTIVITY)) {
        AlertSink.Builder b = AlertSink.builder(streams, url)
            .credentials(db.user, password)
            .sinkName("coursepulse-demo")
            .stream(stream)
            .reportInterval(Duration.ofHours(1))
            .meterRegistry(registry);
        AlertSink sink = (stream.equals(StreamNames.ALERTS) ? b : b.events()).build();
        sink.start();
        d.sinks.add(sink);
      }
      String secret = password();
      new Accounts(d.ds).addOrUpdate("demo", "Demo Instructor", null, secret.toCharArray(),
          "instructor", "UTC", courses(groundTruth));
      d.web = WebServer.start(d.ds, new WebServer.Options("127.0.0.1", port, false,
          Duration.ofHours(8)), registry);
      err.println("demo: instructors' pages on http://127.0.0.1:" + d.web.port()
          + "/ — sign in as 'demo' with password " + secret + " (tables in schema " + SCHEMA
          + ", emptied at every start)");
      err.flush();
      return d;
    } catch (SQLException | IOException | RuntimeException e) {
      d.close();
      throw e;
    }
  }

  /**
   * Waits (up to {@code timeout}) until every sink has stored what its stream holds now; a sink
   * still behind then is said on {@code err}, and the demo goes on to its report.
   */
  void awaitCaughtUp(StreamLog streams, Duration timeout, PrintWriter err)
      throws InterruptedException {
    for (AlertSink sink : sinks) {
      try {
        ProcessCommand.awaitSinkCaughtUp(sink, streams, sink.stream(), timeout);
      } catch (IllegalStateException behind) {
        err.println("demo: the pages may miss alerts: " + behind.getMessage());
      }
    }
  }

  /** Course ids from the ground-truth CSV ({@code studentId,courseId,...}). */
  private static List<String> courses(Path groundTruth) throws IOException {
    TreeSet<String> out = new TreeSet<>();
    List<String> lines = Files.readAllLines(groundTruth, StandardCharsets.UTF_8);
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",", 3);
      if (cells.length > 1) {
        out.add(cells[1]);
      }
    }
    return new ArrayList<>(out);
  }

  private static String password() {
    // Readable and long enough: 4 groups of 4 from an alphabet without look-alikes.
    String alphabet = "abcdefghjkmnpqrstuvwxyz23456789";
    SecureRandom r = new SecureRandom();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      if (i > 0 && i % 4 == 0) {
        b.append('-');
      }
      b.append(alphabet.charAt(r.nextInt(alphabet.length())));
    }
    return b.toString();
  }

  @Override
  public void close() {
    if (web != null) {
      web.close();
    }
    sinks.forEach(AlertSink::close);
    if (ds != null) {
      ds.close();
    }
  }
}
