package coursepulse.lms.risk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.Serdes;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.TestDriver;
import coursepulse.engine.TestInputStream;
import coursepulse.engine.TestOutputStream;
import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.event.SubmissionCreated;
import coursepulse.lms.risk.model.RiskModel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The alerting topology on the engine's test driver, with a small language for semesters. */
final class RiskFixture implements AutoCloseable {
  /** A Monday: weeks and the course calendar line up as in the simulator. */
  static final Instant TERM_START = Instant.parse("2026-01-05T00:00:00Z");
  static final Instant TERM_END = TERM_START.plus(Duration.ofDays(7 * 15));
  static final String COURSE = "c-101";
  /** The name and e-mail address every enrolment carries: personal data no output may echo. */
  static final String STUDENT_NAME = "Ada Example";
  static final String STUDENT_EMAIL = "ada@example.org";

  final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  final RiskMetrics metrics = new RiskMetrics(registry, false);
  final List<Alert> printed = new ArrayList<>();
  private final TestDriver driver;
  private final TestInputStream<LmsEvent> enrollment;
  private final TestInputStream<LmsEvent> login;
  private final TestInputStream<LmsEvent> activity;
  private final TestOutputStream<String, byte[]> alerts;
  private final TestOutputStream<String, byte[]> refused;
  private final TestOutputStream<String, byte[]> risk;
  private final List<byte[]> riskBytes = new ArrayList<>();
  private final List<byte[]> alertBytes = new ArrayList<>();
  private int seq;

  /** The four original rules switched on (they are off by default since default-4). */
  RiskFixture() {
    this(
        RulesConfig.DEFAULTS
            .withEnabled(Rule.LOGIN_INACTIVE, true)
            .withEnabled(Rule.NO_SUBMISSIONS, true)
            .withEnabled(Rule.ACTIVITY_DROP, true)
            .withEnabled(Rule.LOW_GRADES, true));
  }

  RiskFixture(RulesConfig rules) {
    this(rules, RiskModel.builtIn());
  }

  /** With a model of the test's own, e.g. a hand-set one whose score a test can steer. */
  RiskFixture(RulesConfig rules, RiskModel model) {
    driver =
        new TestDriver(
            RiskTopology.build(
                RiskTopology.Options.forApplication("risk-test")
                    .withRules(rules)
                    .withModel(model)
                    .withMetrics(metrics)
                    .withAlertListener(printed::add)
                    .withRiskStream(StreamNames.RISK)));
    enrollment = driver.createInputStream(StreamNames.ENROLLMENT, RiskTopology.EVENT_SERDE);
    login = driver.createInputStream(StreamNames.LOGIN, RiskTopology.EVENT_SERDE);
    activity = driver.createInputStream(StreamNames.ACTIVITY, RiskTopology.EVENT_SERDE);
    alerts = driver.createOutputStream(StreamNames.ALERTS, Serdes.ByteArray());
    refused = driver.createOutputStream("risk-test-refused", Serdes.ByteArray());
    risk = driver.createOutputStream(StreamNames.RISK, Serdes.ByteArray());
    enroll(BYSTANDER, TERM_START.minus(Duration.ofDays(1)));
  }

  /** A student whose logins move stream time forward in tests. */
  static final String BYSTANDER = "bystander";

  static Instant day(double d) {
    return TERM_START.plusMillis(Math.round(d * 86_400_000L));
  }

  private String id() {
    return "e-" + (++seq);
  }

  RiskFixture enroll(String student, String course, Instant at) {
    enrollment.pipe(
        new EnrollmentCreated(
            id(), 1, at, student, course, "student", STUDENT_NAME, STUDENT_EMAIL,
            TERM_START, TERM_END),
        at);
    return this;
  }

  RiskFixture enroll(String student, Instant at) {
    return enroll(student, COURSE, at);
  }

  RiskFixture drop(String student, String course, Instant at) {
    enrollment.pipe(new EnrollmentDropped(id(), 1, at, student, course, "withdrawn"), at);
    return this;
  }

  RiskFixture login(String student, Instant at) {
    login.pipe(new LoggedIn(id(), 1, at, student, "desktop", "test"), at);
    return this;
  }

  RiskFixture assignment(String course, String assignment, Instant createdAt, Instant due) {
    activity.pipe(new AssignmentCreated(id(), 1, createdAt, course, assignment, due, 10), createdAt);
    return this;
  }

  /** An assessment of 10 points with its weight in the final grade (percent). */
  RiskFixture assignment(
      String course, String assignment, Instant createdAt, Instant due, double weight) {
    activity.pipe(
        new AssignmentCreated(id(), 1, createdAt, course, assignment, due, 10.0, "TMA", weight),
        createdAt);
    return this;
  }

  RiskFixture submit(String student, String course, String assignment, Instant at) {
    activity.pipe(new SubmissionCreated(id(), 1, at, student, course, assignment, false), at);
    return this;
  }

  RiskFixture submit(String student, String course, String assignment, Instant at, double score) {
    activity.pipe(
        new SubmissionCreated(id(), 1, at, student, course, assignment, false, score), at);
    return this;
  }

  /** Every 05-Risk record so far, as written. */
  List<byte[]> riskBytes() {
    for (StreamRecord<String, byte[]> r : risk.readRecordsToList()) {
      riskBytes.add(r.value());
    }
    return riskBytes;
  }

  List<RiskScore> risk() {
    return riskBytes().stream().map(RiskScoreCodec::decode).toList();
  }

  /**
   * An event on {@code 03-Activity} as a producer wrote it, not as the codec would: for times with
   * an offset, or other spellings the schema accepts. {@code at} is the record's time.
   */
  RiskFixture activityJson(String json, Instant at) {
    activity.pipeRaw(json.getBytes(StandardCharsets.UTF_8), at.toEpochMilli());
    return this;
  }

  RiskFixture access(String student, String course, Instant at) {
    activity.pipe(new AssetAccessed(id(), 1, at, student, course, "page"), at);
    return this;
  }

  /** Moves stream time with a login of a bystander student (enrolled on first use). */
  RiskFixture advanceTo(Instant at) {
    return login(BYSTANDER, at);
  }

  /** Every alert record emitted so far, decoded. */
  List<Alert> alerts() {
    drain();
    List<Alert> out = new ArrayList<>();
    for (byte[] b : alertBytes) {
      out.add(AlertCodec.decode(b));
    }
    return out;
  }

  List<Alert> alerts(String student) {
    return alerts().stream().filter(a -> a.studentId().equals(student)).toList();
  }

  /** Every alert record emitted so far, as written. */
  List<byte[]> alertBytes() {
    drain();
    return alertBytes;
  }

  List<JsonNode> refused() {
    List<JsonNode> out = new ArrayList<>();
    for (StreamRecord<String, byte[]> r : refused.readRecordsToList()) {
      try {
        out.add(new ObjectMapper().readTree(r.value()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  TestDriver driver() {
    return driver;
  }

  private void drain() {
    for (StreamRecord<String, byte[]> r : alerts.readRecordsToList()) {
      alertBytes.add(r.value());
    }
  }

  @Override
  public void close() {
    driver.close();
  }
}
