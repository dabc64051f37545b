package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.outcome.FinalResult;
import coursepulse.lms.outcome.Outcome;
import coursepulse.lms.outcome.OutcomesFile;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.lms.risk.RiskScore;
import coursepulse.lms.risk.RiskScoreCodec;
import coursepulse.lms.risk.Rule;
import coursepulse.lms.risk.Severity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code evaluate --outcomes} end to end on a file-backed embedded log: enrolments, alerts (old and
 * new record shapes), risk scores and activity written as the other commands write them, read back
 * by the command, figures checked by hand.
 *
 * <p>Course AAA-2013J starts on day 0 and lasts 100 days: a (Pass) alerted on day 10, b (withdrawn
 * on day 40) alerted on day 20 by a rule this code does not know, c (Fail) and d (Pass) never. A
 * pair of AAA-2013B, alerted, is left out by {@code --courses '*-2013J'}.
 */
class EvaluateOutcomesCommandTest {

  private static final Instant START = Instant.parse("2013-10-07T00:00:00Z");

  @TempDir Path dir;
  private Path log;
  private Path outcomes;
  private int ids;

  private static Instant day(double d) {
    return START.plus(Duration.ofMinutes(Math.round(d * 1440)));
  }

  private int run(StringWriter out, StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new EvaluateCommand())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(new ErrorHandler());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--broker", "embedded", "--embedded-dir", log.toString()));
    return cl.execute(all.toArray(String[]::new));
  }

  @BeforeEach
  void writeStreams() throws Exception {
    log = dir.resolve("log");
    outcomes = dir.resolve("outcomes.csv");
    try (StreamLog streams = EmbeddedStreamLog.open(log)) {
      for (String s : List.of(StreamNames.ENROLLMENT, StreamNames.LOGIN, StreamNames.ACTIVITY,
          StreamNames.ALERTS, StreamNames.RISK)) {
        streams.createStream(s, Retention.unlimited());
      }
      List<byte[]> enrolments = new ArrayList<>();
      for (String student : List.of("a", "b", "c", "d")) {
        enrolments.add(event(new EnrollmentCreated(id(), 1, day(-20), student, "AAA-2013J",
            "student", "Name " + student, null, START, day(100))));
      }
      enrolments.add(event(new EnrollmentCreated(id(), 1, day(-20), "e", "AAA-2013B", "student",
          null, null, START, day(100))));
      enrolments.add(event(new EnrollmentDropped(id(), 1, day(40), "b", "AAA-2013J", "withdrawn")));
      append(streams, StreamNames.ENROLLMENT, enrolments);

      List<byte[]> alerts = new ArrayList<>();
      alerts.add(AlertCodec.encode(new Alert(Alert.Type.OPENED, "1", Rule.LOGIN_INACTIVE,
          Severity.LOW, "a", null, day(10), null, Map.of(), "default-2")));
      alerts.add(AlertCodec.encode(new Alert(Alert.Type.RESOLVED, "1", Rule.LOGIN_INACTIVE,
          Severity.LOW, "a", null, day(10), day(12), Map.of("reason", "login"), "default-2")));
      alerts.add(utf8("{\"type\":\"alert_opened\",\"alertId\":\"2\",\"rule\":\"RISK_SCORE\","
          + "\"severity\":\"low\",\"studentId\":\"b\",\"courseId\":\"AAA-2013J\",\"openedAt\":\""
          + day(20) + "\",\"evidence\":{},\"score\":0.9,\"factors\":[\"silent for 12 days\"],"
          + "\"rulesVersion\":\"r-1\",\"applicationId\":\"risk\",\"rulesHash\":\"00ff\"}"));
      alerts.add(AlertCodec.encode(new Alert(Alert.Type.OPENED, "3", Rule.NO_SUBMISSIONS,
          Severity.LOW, "e", "AAA-2013B", day(10), null, Map.of(), "default-2")));
      append(streams, StreamNames.ALERTS, alerts);

      List<byte[]> risk = new ArrayList<>();
      double[] scores = {0.1, 0.9, 0.6, 0.2};
      String[] students = {"a", "b", "c", "d"};
      for (int i = 0; i < 4; i++) {
        risk.add(RiskScoreCodec.encode(new RiskScore(students[i], "AAA-2013J", day(7), scores[i],
            List.of(), Map.of(), "m-1")));
      }
      append(streams, StreamNames.RISK, risk);

      List<byte[]> activity = new ArrayList<>();
      for (int d = 1; d <= 5; d++) {
        activity.add(event(new AssetAccessed(id(), 1, day(d + 0.4), "a", "AAA-2013J", "page")));
      }
      activity.add(event(new AssetAccessed(id(), 1, day(1), "d", "AAA-2013J", "page")));
      activity.add(event(new AssetAccessed(id(), 1, day(2), "c", "AAA-2013J", "page")));
      append(streams, StreamNames.ACTIVITY, activity);
    }
    OutcomesFile.write(outcomes, List.of(
        new Outcome("a", "AAA-2013J", FinalResult.PASS, null),
        new Outcome("b", "AAA-2013J", FinalResult.WITHDRAWN, day(40)),
        new Outcome("c", "AAA-2013J", FinalResult.FAIL, null),
        new Outcome("d", "AAA-2013J", FinalResult.DISTINCTION, null),
        new Outcome("e", "AAA-2013B", FinalResult.PASS, null)));
  }

  @Test
  void shouldPrintAndWriteTheFiguresForTheSelectedPresentations() throws Exception {
    Path json = dir.resolve("quality.json");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = run(out, err, "--outcomes", outcomes.toString(), "--courses", "*-2013J",
        "--reference", "--json", json.toString());

    assertThat(code).as(err.toString()).isZero();
    String text = out.toString();
    assertThat(text)
        .contains("courses: *-2013J")
        .contains("Student-course pairs evaluated: 4 (passed 2, failed 1, withdrawn 1)")
        .contains("Alerts: 3 openings read, 2 counted for evaluated pairs during their term, 1"
            + " resolutions ignored")
        .containsPattern("whole term\\s+4\\s+50\\.0%\\s+100\\.0%\\s+20\\.0\\s+20\\.0\\s+0\\.0%"
            + "\\s+0\\.50\\s+0\\.50\\s+0\\.00")
        .contains("RISK_SCORE")
        .contains("Risk score: 05-Risk (4 records, 4 of evaluated pairs")
        .containsPattern("\\n2\\s+4\\s+2\\s+1\\.00\\s+0\\.88\\n")
        .containsPattern("precision\\s+>= 0\\.70\\s+0\\.50\\s+not met");

    JsonNode j = new ObjectMapper().readTree(json.toFile());
    assertThat(j.path("pairs").path("evaluated").asInt()).isEqualTo(4);
    assertThat(j.path("overall").path("fineAlertedShare").asDouble()).isEqualTo(0.5);
    assertThat(j.path("overall").path("withdrawnLeadMedianDays").asDouble()).isEqualTo(20.0);
    assertThat(j.path("overall").path("recall").asDouble()).isEqualTo(0.5);
    assertThat(j.path("weeks").get(1).path("week").asInt()).isEqualTo(4);
    assertThat(j.path("rules").get(0).path("rule").asText()).isEqualTo("LOGIN_INACTIVE");
    assertThat(j.path("rules").get(1).path("rule").asText()).isEqualTo("RISK_SCORE");
    assertThat(j.path("riskScore").path("source").asText()).isEqualTo("05-Risk");
    assertThat(j.path("riskScore").path("auc").get(0).path("auc").asDouble()).isEqualTo(1.0);
    // reference, week 2: a 23 inactive days, d 27, b 28, c 27 -> (1 + 1 + 1 + 0.5) / 4;
    // week 8: b has left, nobody active in days 28..55 -> all tied
    assertThat(j.path("reference").path("auc").findValuesAsText("auc"))
        .containsExactly("0.875", "0.875", "0.5", "0.5");
    assertThat(j.path("targets").get(0).path("met").asBoolean()).isTrue();
    assertThat(j.path("targets").get(4).path("met").isNull()).isFalse();
    assertThat(j.path("targets").get(4).path("value").asDouble()).isEqualTo(20.0);
  }

  @Test
  void shouldGiveTheSameBytesOnASecondRun() throws Exception {
    Path first = dir.resolve("1.json");
    Path second = dir.resolve("2.json");
    assertThat(run(new StringWriter(), new StringWriter(), "--outcomes", outcomes.toString(),
        "--json", first.toString())).isZero();
    assertThat(run(new StringWriter(), new StringWriter(), "--outcomes", outcomes.toString(),
        "--json", second.toString())).isZero();
    assertThat(Files.readAllBytes(first)).isEqualTo(Files.readAllBytes(second));
    // all courses: e's pair of AAA-2013B is evaluated too
    assertThat(new ObjectMapper().readTree(first.toFile()).path("pairs").path("evaluated").asInt())
        .isEqualTo(5);
  }

  @Test
  void shouldKeepTheGroundTruthModeAndRefuseMixedOrMissingModes() throws Exception {
    Path truth = dir.resolve("gt.csv");
    Files.writeString(truth, "studentId,courseId,persona,disengagedAt\n"
        + "a,AAA-2013J,engaged,\nb,AAA-2013J,dropout," + day(5) + "\n");
    StringWriter out = new StringWriter();
    assertThat(run(out, new StringWriter(), "--ground-truth", truth.toString())).isZero();
    // three openings: RISK_SCORE is a rule of this code now, so its record counts too
    assertThat(out.toString()).contains("Alert quality: 3 alerts opened");

    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err)).isNotZero();
    assertThat(err.toString()).contains("exactly one of --ground-truth FILE");
    err = new StringWriter();
    assertThat(run(new StringWriter(), err, "--ground-truth", truth.toString(), "--json", "x"))
        .isNotZero();
    assertThat(err.toString()).contains("go with --outcomes");
  }

  @Test
  void shouldSayWhatIsMissingWhenTheEnrolmentsAreNotThere() {
    log = dir.resolve("empty");
    EmbeddedStreamLog.open(log).close();
    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err, "--outcomes", outcomes.toString())).isNotZero();
    assertThat(err.toString()).contains("stream 01-Enrollment does not exist")
        .contains("every course's dates");
  }

  @Test
  void shouldScoreOnlyTheAlertsOfTheAskedApplicationAndRules() throws Exception {
    String[] streams = {"--alerts-stream", StreamNames.ALERTS, "--risk-stream", StreamNames.RISK};
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new ArrayList<>(List.of("--outcomes", outcomes.toString(),
        "--application-id", "risk"));
    args.addAll(List.of(streams));
    assertThat(run(out, err, args.toArray(String[]::new))).as(err.toString()).isZero();
    // Only b's RISK_SCORE opening is stamped 'risk'; before, all three were mixed in.
    assertThat(out.toString()).contains("Alerts: 1 openings read, 1 counted").contains("RISK_SCORE")
        .doesNotContain("LOGIN_INACTIVE");
    assertThat(err.toString()).doesNotContain("warning");

    out = new StringWriter();
    err = new StringWriter();
    args = new ArrayList<>(List.of("--outcomes", outcomes.toString(), "--rules-hash", "abcd"));
    args.addAll(List.of(streams));
    assertThat(run(out, err, args.toArray(String[]::new))).isZero();
    assertThat(out.toString()).contains("Alerts: 0 openings read");
    assertThat(err.toString()).contains("warning: no alert in 04-Alerts is stamped with rules hash"
        + " abcd");
  }

  @Test
  void shouldReadTheStreamsProcessWritesForTheApplicationIdGiven() throws Exception {
    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err, "--outcomes", outcomes.toString(),
        "--application-id", "risk")).isNotZero();
    assertThat(err.toString()).contains("stream risk-alerts does not exist")
        .contains("run 'process --application-id risk' first");
    try (StreamLog streams = EmbeddedStreamLog.open(log)) {
      streams.createStream("risk-alerts", Retention.unlimited());
      append(streams, "risk-alerts", List.of(AlertCodec.encode(new Alert(Alert.Type.OPENED, "9",
          Rule.NO_SUBMISSIONS, Severity.LOW, "c", "AAA-2013J", day(30), null, Map.of(),
          "default-6", null, List.of(), "risk", "beef"))));
    }
    StringWriter out = new StringWriter();
    assertThat(run(out, new StringWriter(), "--outcomes", outcomes.toString(),
        "--application-id", "risk")).isZero();
    assertThat(out.toString()).contains("Alerts: 1 openings read, 1 counted")
        .contains("NO_SUBMISSIONS")
        // risk-risk does not exist: the alerts' own scores, not 04-Alerts' neighbour 05-Risk
        .doesNotContain("Risk score: 05-Risk");
  }

  @Test
  void shouldCountRecordsAResetAndReRunWroteAgainOnce() throws Exception {
    StringWriter once = new StringWriter();
    assertThat(run(once, new StringWriter(), "--outcomes", outcomes.toString())).isZero();
    try (StreamLog streams = EmbeddedStreamLog.open(log)) {
      // The documented reset + re-run appends the same records (same alert ids, same scores).
      for (String stream : List.of(StreamNames.ALERTS, StreamNames.RISK)) {
        List<byte[]> again = new ArrayList<>();
        StreamDump.forEach(streams, stream, again::add);
        append(streams, stream, again, "re-run");
        assertThat(StreamDump.forEach(streams, stream, b -> { })).isEqualTo(2L * again.size());
      }
    }
    StringWriter twice = new StringWriter();
    assertThat(run(twice, new StringWriter(), "--outcomes", outcomes.toString())).isZero();
    assertThat(twice.toString()).isEqualTo(once.toString())
        .contains("Alerts: 3 openings read")
        .contains("Risk score: 05-Risk (4 records");
  }

  @Test
  void shouldSayToRunProcessWhenThereAreNoAlertsYet() {
    log = dir.resolve("before-process");
    try (StreamLog streams = EmbeddedStreamLog.open(log)) {
      streams.createStream(StreamNames.ENROLLMENT, Retention.unlimited());
    }
    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err, "--outcomes", outcomes.toString())).isNotZero();
    assertThat(err.toString()).contains("stream 04-Alerts does not exist")
        .contains("run 'process' first").contains("--alerts-stream")
        .doesNotContain("import or produce");
  }

  @Test
  void shouldRefuseCoursesThatMatchNothingNamingTheCoursesThereAre() throws Exception {
    StringWriter err = new StringWriter();
    assertThat(run(new StringWriter(), err, "--outcomes", outcomes.toString(), "--courses",
        "XYZ*")).isNotZero();
    assertThat(err.toString()).contains("no student-course to evaluate (courses: XYZ*): the"
        + " outcomes file has courses AAA-2013B, AAA-2013J, 01-Enrollment courses AAA-2013B,"
        + " AAA-2013J");
    Path headerOnly = dir.resolve("header.csv");
    Files.writeString(headerOnly, OutcomesFile.HEADER + "\n");
    err = new StringWriter();
    assertThat(run(new StringWriter(), err, "--outcomes", headerOnly.toString())).isNotZero();
    assertThat(err.toString()).contains("the outcomes file has no lines");
  }

  private String id() {
    return "e" + ids++;
  }

  private static byte[] event(LmsEvent e) {
    return EventCodec.encode(e);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void append(StreamLog streams, String stream, List<byte[]> bodies) {
    append(streams, stream, bodies, "test");
  }

  private static void append(
      StreamLog streams, String stream, List<byte[]> bodies, String producer) {
    try (LogWriter w = streams.writer(stream, producer)) {
      for (int i = 0; i < bodies.size(); i++) {
        w.append(i, bodies.get(i));
      }
      w.flush(Duration.ofSeconds(10));
    }
  }
}
