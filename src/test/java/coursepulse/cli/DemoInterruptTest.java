package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C stops {@code demo} in order: before, SIGINT ended it at once (exit 130) with no engine
 * shutdown and no final checkpoint, and a {@code --keep-data} resume gave other alerts than a run
 * left alone. Now a shutdown hook stops the publisher, closes the application (final checkpoint)
 * and the servers.
 */
class DemoInterruptTest {

  @TempDir Path tmp;

  @Test
  void shouldCheckpointOnCtrlCAndResumeToTheSameAlertsAsAnUninterruptedRun() throws Exception {
    Path whole = tmp.resolve("whole");
    StringWriter err = new StringWriter();
    assertThat(InProcess.run(err, demo(whole))).as("uninterrupted demo: %s", err).isZero();

    Path interrupted = tmp.resolve("interrupted");
    Path log = tmp.resolve("child.log");
    Path childTmp = Files.createDirectories(tmp.resolve("child-tmp"));
    Process child = start(demo(interrupted), log, childTmp);
    awaitLine(child, log, "02-Login=");
    new ProcessBuilder("kill", "-" + signal(), Long.toString(child.pid())).start().waitFor();
    assertThat(child.waitFor(90, TimeUnit.SECONDS)).as("stopped in time: %s", tail(log)).isTrue();
    String output = Files.readString(log);
    assertThat(child.exitValue()).as("exit code; %s", output).isEqualTo(signalExit());
    assertThat(output)
        .contains("demo: stopped; final checkpoint in " + interrupted + "-demo-state")
        .contains("PENDING_SHUTDOWN -> STOPPED")
        .doesNotContain("precision");
    // its work directory (ground truth) is gone, as the help's "gone at exit" says
    try (Stream<Path> left = Files.list(childTmp)) {
      assertThat(left).as("left in the child's temp directory").isEmpty();
    }

    StringWriter resumed = new StringWriter();
    assertThat(InProcess.run(resumed, demo(interrupted))).as("resumed demo: %s", resumed).isZero();
    assertThat(alerts(interrupted)).isNotEmpty().isEqualTo(alerts(whole));
  }

  /**
   * {@code --linger} keeps /metrics up after the report even without a database (it was ignored
   * then), and /health says DONE with 200 (it said STOPPED with 503); Ctrl-C ends it with 0.
   */
  @Test
  void shouldLingerWithMetricsAndAHealthyStateUntilCtrlC() throws Exception {
    int port;
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    Path log = tmp.resolve("linger.log");
    Process child =
        start(new String[] {
          "demo", "--students", "20", "--courses", "1", "--speed", "max", "--quiet",
          "--jdbc-url=", "--metrics-port", Integer.toString(port), "--broker", "embedded",
          "--linger"
        }, log, Files.createDirectories(tmp.resolve("linger-tmp")));
    try {
      awaitLine(child, log, "demo: done; /metrics stay up until Ctrl-C");
      java.net.http.HttpResponse<String> health = get(port, "/health");
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.body()).isEqualTo("DONE\n");
      java.net.http.HttpResponse<String> metrics = get(port, "/metrics");
      assertThat(metrics.body()).contains("coursepulse_producer_events_published_total");
      new ProcessBuilder("kill", "-" + signal(), Long.toString(child.pid())).start().waitFor();
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("stopped: %s", tail(log)).isTrue();
      // a JVM ended by a signal exits with 128 + its number, whatever the command returned
      assertThat(child.exitValue()).as("exit code: %s", tail(log)).isEqualTo(signalExit());
      assertThat(Files.readString(log)).contains("demo: stopped\n");
    } finally {
      child.destroyForcibly();
    }
  }

  /**
   * SIGINT, as Ctrl-C sends it; SIGTERM (the same hook) when this JVM was started with SIGINT
   * ignored (a background job of a non-interactive shell), since its children inherit that.
   */
  private static String signal() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("SigIgn:")) {
        long ignored = Long.parseUnsignedLong(line.substring(7).trim(), 16);
        return (ignored & (1L << 1)) != 0 ? "TERM" : "INT";
      }
    }
    return "INT";
  }

  private static int signalExit() throws IOException {
    return signal().equals("INT") ? 130 : 143;
  }

  private static String[] demo(Path logDir) {
    // about 10 s of simulated term: long enough to be interrupted in the middle
    return new String[] {
      "demo", "--students", "60", "--courses", "2", "--speed", "1000000", "--quiet",
      "--jdbc-url=", "--metrics-port", "0", "--broker", "embedded", "--keep-data",
      "--embedded-dir", logDir.toString()
    };
  }

  private static java.net.http.HttpResponse<String> get(int port, String path) throws Exception {
    return java.net.http.HttpClient.newHttpClient()
        .send(
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + path))
                .build(),
            java.net.http.HttpResponse.BodyHandlers.ofString());
  }

  /** "type alertId" of every record in the kept 04-Alerts of {@code logDir}, sorted. */
  static TreeSet<String> alerts(Path logDir) throws IOException {
    ObjectMapper json = new ObjectMapper();
    TreeSet<String> out = new TreeSet<>();
    try (StreamLog log = EmbeddedStreamLog.open(logDir)) {
      for (byte[] body : StreamDump.bodies(log, StreamNames.ALERTS)) {
        JsonNode alert = json.readTree(body);
        out.add(alert.get("type").asText() + " " + alert.get("alertId").asText());
      }
    }
    return out;
  }

  private static Process start(String[] args, Path log, Path tmpDir) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Djava.io.tmpdir=" + tmpDir);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("coursepulse.cli.Main");
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  private static void awaitLine(Process child, Path log, String text) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
      assertThat(child.isAlive()).as("demo still running: %s", tail(log)).isTrue();
      assertThat(System.nanoTime()).as("'%s' within 60 s: %s", text, tail(log)).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static String tail(Path log) throws IOException {
    String s = Files.readString(log, StandardCharsets.UTF_8);
    return s.substring(Math.max(0, s.length() - 3000));
  }
}
