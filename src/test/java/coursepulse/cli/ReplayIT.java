package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.lms.risk.AlertDiff;
import coursepulse.lms.risk.Evaluation;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code replay} and {@code reset} against RabbitMQ, on one simulated term published in two
 * phases: the events before {@link #SPLIT} (event time), then, a few milliseconds of broker time
 * later, the rest; so the second phase starts at the same offsets by log time and by event time.
 * The live application ({@code process}) runs once over the whole term.
 */
@ExtendWith(RabbitMqExtension.class)
class ReplayIT {

  static final SimulationConfig CONFIG =
      SimulationConfig.defaults().withStudents(250).withCourses(6).withSeed(7);
  /** Four weeks into the 15-week term. */
  static final Instant SPLIT = Instant.parse("2026-10-05T00:00:00Z");
  /**
   * Longest look-back of the default rules (activity drop: 3 baseline weeks + the judged week,
   * aligned to Mondays: 35 days) plus the cooldown (3 days).
   */
  static final Duration WARM_UP = Duration.ofDays(38);

  @TempDir static Path dir;

  static String uri;
  static long logSplit;
  static final Map<String, Long> secondPhaseStart = new java.util.LinkedHashMap<>();
  static List<byte[]> liveAlerts;
  static Path groundTruth;

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        new CommandLine(new Main())
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .setExecutionExceptionHandler(new ErrorHandler())
            .execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  static String[] with(String... args) {
    List<String> all = new ArrayList<>(Arrays.asList(args));
    all.add("--uri");
    all.add(uri);
    return all.toArray(new String[0]);
  }

  @BeforeAll
  static void publishTermInTwoPhasesAndRunTheLiveApplication(RabbitVhost vhost) throws Exception {
    uri = vhost.uri();
    Simulation sim = new Simulation(CONFIG);
    groundTruth = dir.resolve("truth.csv");
    StringBuilder gt = new StringBuilder();
    sim.writeGroundTruth(gt);
    Files.writeString(groundTruth, gt);
    try (RabbitStreamLog log = vhost.openLog()) {
      LogWriter[] writers = new LogWriter[3];
      long[] count = new long[3];
      for (int s = 0; s < 3; s++) {
        log.createStream(StreamNames.INPUTS.get(s), Retention.unlimited());
        writers[s] = log.writer(StreamNames.INPUTS.get(s), CONFIG.producerName());
      }
      SimulationRun run = sim.run();
      SimEvent e = run.next();
      for (; e != null && e.occurredAt().isBefore(SPLIT); e = run.next()) {
        writers[e.streamIndex()].append(e.sequence(), e.toJson());
        count[e.streamIndex()]++;
      }
      long newest = 0;
      for (int s = 0; s < 3; s++) {
        writers[s].flush(Duration.ofSeconds(60));
        secondPhaseStart.put(StreamNames.INPUTS.get(s), count[s]);
        newest = Math.max(newest, StreamDumpAt.timestamp(log, StreamNames.INPUTS.get(s), count[s] - 1));
      }
      // Broker time strictly between the phases (the broker runs on this host's clock).
      awaitClockPast(newest + 5);
      logSplit = System.currentTimeMillis();
      awaitClockPast(logSplit + 5);
      for (; e != null; e = run.next()) {
        writers[e.streamIndex()].append(e.sequence(), e.toJson());
      }
      for (LogWriter w : writers) {
        w.flush(Duration.ofSeconds(60));
        w.close();
      }
    }
    Run live =
        cli(with("process", "--application-id", "live", "--state-dir", dir.resolve("live").toString(),
            "--stop-when-idle", "1", "--metrics-port", "0", "--quiet"));
    assertThat(live.exit()).as(live.err()).isZero();
    try (RabbitStreamLog log = vhost.openLog()) {
      liveAlerts = StreamDump.bodies(log, "live-alerts"); // a non-default id's own stream
    }
    assertThat(liveAlerts).hasSizeGreaterThan(100);
  }

  private static void awaitClockPast(long millis) throws InterruptedException {
    while (System.currentTimeMillis() <= millis) {
      Thread.onSpinWait();
    }
  }

  @Test
  void shouldReproduceTheLiveAlertStreamByteForByteFromFirst(RabbitStreamLog log) {
    Run r = cli(with("replay", "--from", "first", "--output-stream", "replay-first", "--progress", "lines",
        "--progress-interval", "1s"));
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("replayed");
    List<byte[]> replayed = StreamDump.bodies(log, "replay-first");
    assertThat(replayed).hasSameSizeAs(liveAlerts);
    for (int i = 0; i < replayed.size(); i++) {
      // the same bytes but for the application id each run stamps (same rules, same hash)
      assertThat(withoutApplicationId(replayed.get(i)))
          .as("alert record %d", i)
          .isEqualTo(withoutApplicationId(liveAlerts.get(i)));
    }
  }

  @Test
  void shouldRefuseTheLiveApplicationsIdAndStreamsAndLeaveNoStreamBehind(RabbitStreamLog log) {
    // Under the live id it replaced the live checkpoints and stored offsets (a helper's review).
    Run live = cli(with("replay", "-a", "live", "--to", "offset:100", "--progress", "none"));
    assertThat(live.exit()).isNotZero();
    assertThat(live.err()).contains("--application-id live is the id of an application that"
        + " 'process' ran");
    Run risk = cli(with("replay", "--output-stream", "05-Risk", "--to", "offset:100"));
    assertThat(risk.exit()).isNotZero();
    assertThat(risk.err()).contains("choose a name of its own");
    // Counted, not written: no '<id>-dlq' stream left behind by a replay.
    Run own = cli(with("replay", "-a", "replay-clean", "--to", "offset:100", "--progress", "none"));
    assertThat(own.exit()).as(own.err()).isZero();
    assertThat(log.streamExists("replay-clean-dlq")).isFalse();
    // An empty range says so (it printed "0 messages" per stream and "replayed 0 events").
    Run empty = cli(with("replay", "--from", "offset:999999999", "--progress", "none"));
    assertThat(empty.exit()).as(empty.err()).isZero();
    assertThat(empty.err()).contains("nothing to replay: the range is empty in every input");
  }

  @Test
  void shouldResolveLogTimeAndEventTimeToTheFirstMessageAfterThem(RabbitStreamLog log)
      throws InterruptedException {
    ReplayRange range = new ReplayRange(log, ReplayCommand::eventTimeOf);
    // The inputs resolved at the same time, as 'replay' does, give each its own answer.
    java.util.Map<String, ReplayRange.Bounds> all =
        range.resolveAll(
            StreamNames.INPUTS,
            stream -> new ReplayPosition.LogTime(Instant.ofEpochMilli(logSplit)),
            new ReplayPosition.Last());
    assertThat(all.keySet()).containsExactlyElementsOf(StreamNames.INPUTS);
    for (String stream : StreamNames.INPUTS) {
      assertThat(all.get(stream).start()).as("start of %s", stream)
          .isEqualTo(secondPhaseStart.get(stream));
      assertThat(all.get(stream).end()).as("end of %s", stream)
          .isEqualTo(log.stats(stream).orElseThrow().lastOffset() + 1);
    }
    for (String stream : StreamNames.INPUTS) {
      long expected = secondPhaseStart.get(stream);
      // logSplit lies after the last chunk of phase one: the reader attached at it drops
      // whatever precedes it, so the start is the second phase's first message exactly.
      assertThat(range.resolve(stream, new ReplayPosition.LogTime(Instant.ofEpochMilli(logSplit)),
              new ReplayPosition.Last()).start())
          .as("log time in %s", stream).isEqualTo(expected);
      assertThat(range.resolve(stream, new ReplayPosition.EventTime(SPLIT), new ReplayPosition.Last()).start())
          .as("event time in %s", stream).isEqualTo(expected);
      // A time inside phase one's last chunk: no message before it is returned.
      long lastOfPhaseOne = StreamDumpAt.timestamp(log, stream, expected - 1);
      ReplayRange.Bounds b = range.resolve(
          stream, new ReplayPosition.LogTime(Instant.ofEpochMilli(lastOfPhaseOne)), new ReplayPosition.Last());
      assertThat(b.start()).isLessThan(expected);
      assertThat(StreamDumpAt.timestamp(log, stream, b.start())).isGreaterThanOrEqualTo(lastOfPhaseOne);
      if (b.start() > 0) {
        assertThat(StreamDumpAt.timestamp(log, stream, b.start() - 1)).isLessThan(lastOfPhaseOne);
      }
    }
  }

  @Test
  void shouldMatchTheLiveAlertsOpenedAfterTheWarmUpWhenReplayingFromMidTerm(RabbitVhost vhost)
      throws Exception {
    // Only rules whose look-back fits in the warm-up can be reproduced from mid-term: the risk
    // score's features cover the whole term so far, and MISSED_DEADLINES needs the assignments
    // published before the split (docs/replay.md). Both sides run these rules.
    Path bounded = dir.resolve("bounded.yaml");
    Files.writeString(bounded, """
        version: "bounded-look-back"
        loginInactive: { enabled: true }
        noSubmissions: { enabled: true }
        activityDrop: { enabled: true }
        missedDeadlines: { enabled: false }
        riskScore: { enabled: false }
        """);
    Run boundedLive =
        cli(with("process", "--application-id", "bounded", "--rules", bounded.toString(),
            "--state-dir", dir.resolve("bounded").toString(), "--stop-when-idle", "1",
            "--metrics-port", "0", "--quiet"));
    assertThat(boundedLive.exit()).as(boundedLive.err()).isZero();
    List<byte[]> boundedAlerts;
    try (RabbitStreamLog log = vhost.openLog()) {
      boundedAlerts = StreamDump.bodies(log, "bounded-alerts");
    }
    Path file = dir.resolve("mid-term.ndjson");
    Run r = cli(with("replay", "--rules", bounded.toString(),
        "--from", "timestamp:" + Instant.ofEpochMilli(logSplit),
        "--from-offsets", "01-Enrollment=first", "--output", file.toString(), "--progress", "none"));
    assertThat(r.exit()).as(r.err()).isZero();
    Instant comparable = SPLIT.plus(WARM_UP);
    Set<String> live = openedAtOrAfter(Evaluation.decodeAll(boundedAlerts), comparable);
    Set<String> replay = openedAtOrAfter(readAlerts(file), comparable);
    assertThat(live).hasSizeGreaterThan(20);
    assertThat(replay).isEqualTo(live);
  }

  @Test
  void shouldCountInTheBacktestWhatTwoIndependentReplaysGive() throws Exception {
    Path strict = dir.resolve("strict.yaml");
    // stricter versions of the two rules on by default
    Files.writeString(strict, "version: \"strict-1\"\nmissedDeadlines:\n  consecutive: 2\n"
        + "riskScore:\n  openThreshold: 0.9\n  closeThreshold: 0.75\n");
    Run backtest = cli(with("replay", "--rules", strict.toString(), "--compare-with", "defaults",
        "--ground-truth", groundTruth.toString(), "--progress", "none"));
    assertThat(backtest.exit()).as(backtest.err()).isZero();

    Path a = dir.resolve("a.ndjson");
    Path b = dir.resolve("b.ndjson");
    assertThat(cli(with("replay", "--rules", strict.toString(), "--output", a.toString(), "--progress", "none")).exit()).isZero();
    assertThat(cli(with("replay", "--output", b.toString(), "--progress", "none")).exit()).isZero();
    AlertDiff.Result expected = AlertDiff.compare(readAlerts(a), readAlerts(b));
    String table = AlertDiff.format(expected, "x", "y");
    String expectedRows = table.substring(table.indexOf("rule"));
    assertThat(backtest.out()).contains(expectedRows);
    assertThat(expected.total().openedA()).isPositive();
    // The stricter thresholds change something: later (shifted) or dropped alerts.
    assertThat(expected.total().shifted() + expected.total().onlyA() + expected.total().onlyB())
        .isPositive();
    assertThat(backtest.out()).contains("quality of " + strict).contains("quality of built-in defaults");
    // B is the built-in rules: the live run's alerts exactly.
    assertThat(readAlerts(b).stream().map(ReplayIT::unstamped).toList())
        .isEqualTo(Evaluation.decodeAll(liveAlerts).stream().map(ReplayIT::unstamped).toList());
  }

  @Test
  void shouldRefuseToResetARunningApplicationThenResetIt(RabbitStreamLog log) throws Exception {
    Path state = dir.resolve("reset-state");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "process", "--application-id", "resettable", "--state-dir", state.toString(),
                "--metrics-port", Integer.toString(port), "--quiet", "--checkpoint-interval", "1s",
                "--uri", uri)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    try {
      awaitHealthy(port, child);
      Run refused = cli(with("reset", "--application-id", "resettable", "--state-dir", state.toString(),
          "--to", "event-time:" + SPLIT));
      assertThat(refused.exit()).isEqualTo(ResetCommand.EXIT_RUNNING);
      assertThat(refused.err()).contains("is running");
    } finally {
      child.destroy(); // SIGTERM: final checkpoint, lock released
      assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    assertThat(checkpoints(state.resolve("resettable"))).isNotEmpty();

    Run reset = cli(with("reset", "--application-id", "resettable", "--state-dir", state.toString(),
        "--to", "event-time:" + SPLIT));
    assertThat(reset.exit()).as(reset.err()).isZero();
    assertThat(checkpoints(state.resolve("resettable"))).isEmpty();
    Map<String, coursepulse.engine.log.OffsetSpec> marker = ResetMarker.read(state, "resettable");
    // The roster stays whole (first); the other inputs move to the split.
    assertThat(marker.get(StreamNames.ENROLLMENT)).isEqualTo(coursepulse.engine.log.OffsetSpec.offset(0));
    for (String stream : List.of(StreamNames.LOGIN, StreamNames.ACTIVITY)) {
      long next = secondPhaseStart.get(stream);
      assertThat(marker.get(stream)).isEqualTo(coursepulse.engine.log.OffsetSpec.offset(next));
      assertThat(log.queryOffset("resettable", stream)).hasValue(next - 1);
    }
  }

  /**
   * {@code reset --to next} and {@code --to last} leave the positions where {@code process --from
   * next} and {@code --from last} start: after the newest message, and the first message a reader
   * for "last" gets (the newest chunk's first).
   */
  @Test
  void shouldResetToNextAndLastWhereProcessStartsFromThem(RabbitStreamLog log) throws Exception {
    Path state = dir.resolve("next-last-state");
    // --force: 'nextlast' never ran, which reset otherwise takes for a typo.
    Run next = cli(with("reset", "--application-id", "nextlast", "--state-dir", state.toString(),
        "--to", "next", "--to-offsets", "01-Enrollment=next", "--force"));
    assertThat(next.exit()).as(next.err()).isZero();
    Map<String, coursepulse.engine.log.OffsetSpec> marker = ResetMarker.read(state, "nextlast");
    for (String stream : StreamNames.INPUTS) {
      long end = new ReplayRange(log, b -> -1).exactEnd(stream, log.stats(stream).orElseThrow().lastOffset());
      assertThat(marker.get(stream)).as(stream).isEqualTo(coursepulse.engine.log.OffsetSpec.offset(end));
    }

    Run last = cli(with("reset", "--application-id", "nextlast", "--state-dir", state.toString(),
        "--to", "last", "--to-offsets", "01-Enrollment=last"));
    assertThat(last.exit()).as(last.err()).isZero();
    marker = ResetMarker.read(state, "nextlast");
    for (String stream : StreamNames.INPUTS) {
      long processStart;
      try (var reader = log.reader(stream, coursepulse.engine.log.OffsetSpec.last())) {
        processStart = reader.poll(Duration.ofSeconds(10)).offset();
      }
      assertThat(marker.get(stream)).as(stream).isEqualTo(coursepulse.engine.log.OffsetSpec.offset(processStart));
    }
  }

  /**
   * {@code reset} sees an instance that runs with another state directory (as on another machine,
   * where the local lock cannot tell) through the broker, and refuses naming it; once it stopped,
   * or after it was killed and its heartbeat went stale, the reset goes ahead.
   */
  @Test
  void shouldRefuseToResetWhileAnInstanceRunsElsewhereThroughTheBroker() throws Exception {
    Path elsewhere = dir.resolve("other-machine");
    Path here = dir.resolve("this-machine");
    String[] reset = with("reset", "--application-id", "elsewhere", "--state-dir", here.toString(),
        "--to", "first", "--instance-timeout", "6s");

    Process child = startProcess("elsewhere", elsewhere);
    try {
      Run refused = awaitRefusal(reset, child);
      assertThat(refused.err())
          .contains("is running: instance " + child.pid() + "@")
          .contains("Stop every instance first");
    } finally {
      child.destroy(); // SIGTERM: it says "stopped" on its way out
      assertThat(child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }
    Run afterStop = cli(reset);
    assertThat(afterStop.exit()).as(afterStop.err()).isZero();
    assertThat(afterStop.err()).doesNotContain("" + child.pid());

    Process killed = startProcess("elsewhere", elsewhere);
    awaitRefusal(reset, killed);
    killed.destroyForcibly(); // SIGKILL: no "stopped", the heartbeat only ages
    assertThat(killed.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    Run stale = cli(reset);
    while (stale.exit() == ResetCommand.EXIT_RUNNING && System.nanoTime() < deadline) {
      Thread.sleep(500); // polling interval: the heartbeat ages on the broker's clock
      stale = cli(reset);
    }
    assertThat(stale.exit()).as(stale.err()).isZero();
    assertThat(stale.err())
        .contains("instance " + killed.pid() + "@")
        .contains("never said it stopped");
  }

  private Process startProcess(String applicationId, Path state) throws IOException {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp", System.getProperty("java.class.path"), Main.class.getName(),
            "process", "--application-id", applicationId, "--state-dir", state.toString(),
            "--metrics-port", "0", "--quiet", "--uri", uri)
        .redirectErrorStream(true)
        .redirectOutput(
            ProcessBuilder.Redirect.appendTo(dir.resolve(applicationId + "-child.log").toFile()))
        .start();
  }

  /** Polls the reset until it refuses (the instance has announced itself). */
  private static Run awaitRefusal(String[] reset, Process child) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      assertThat(child.isAlive()).as("process exited early; see its child.log").isTrue();
      Run r = cli(reset);
      if (r.exit() == ResetCommand.EXIT_RUNNING) {
        return r;
      }
      // Not announced yet: the reset went through, or (first time) refused an id never seen here.
      if (!r.err().contains("no application '")) {
        assertThat(r.exit()).as(r.err()).isZero();
      }
      assertThat(System.nanoTime()).as("never refused").isLessThan(deadline);
      Thread.sleep(200); // polling interval
    }
  }

  private static List<String> checkpoints(Path appDir) throws IOException {
    try (var files = Files.list(appDir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).toList();
    }
  }

  private static void awaitHealthy(int port, Process child) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(child.isAlive()).as("process command exited early; see child.log").isTrue();
      try {
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100); // polling interval, bounded by the deadline
    }
    throw new AssertionError("process never became healthy");
  }

  private static Set<String> openedAtOrAfter(List<Alert> alerts, Instant from) {
    return alerts.stream()
        .filter(a -> a.type() == Alert.Type.OPENED && !a.openedAt().isBefore(from))
        .map(a -> a.alertId() + " " + a.rule() + " " + a.openedAt())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static String withoutApplicationId(byte[] alert) {
    return new String(alert, StandardCharsets.UTF_8).replaceFirst(",\"applicationId\":\"[^\"]*\"", "");
  }

  private static Alert unstamped(Alert a) {
    return new Alert(a.type(), a.alertId(), a.rule(), a.severity(), a.studentId(), a.courseId(),
        a.openedAt(), a.resolvedAt(), a.evidence(), a.rulesVersion());
  }

  private static List<Alert> readAlerts(Path file) throws IOException {
    List<Alert> out = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (!line.isBlank()) {
        out.add(AlertCodec.decode(line.getBytes(StandardCharsets.UTF_8)));
      }
    }
    return out;
  }

  /** Reads single messages by offset. */
  static final class StreamDumpAt {
    static long timestamp(StreamLog log, String stream, long offset) {
      try (var reader = log.reader(stream, coursepulse.engine.log.OffsetSpec.offset(offset))) {
        var m = reader.poll(Duration.ofSeconds(10));
        assertThat(m).as("message %d of %s", offset, stream).isNotNull();
        return m.timestamp();
      }
    }
  }
}
