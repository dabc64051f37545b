package coursepulse.lms.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.lms.risk.RiskTopology;
import coursepulse.lms.risk.Rule;
import coursepulse.lms.risk.RulesConfig;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: Caliper events of a small course go through ingest into RabbitMQ, the alerting
 * application runs on the engine over the same virtual host, and the student who stops logging in
 * gets {@code LOGIN_INACTIVE}.
 */
@ExtendWith(RabbitMqExtension.class)
class IngestRiskIT {

  private static final String TOKEN = "e2e-" + UUID.randomUUID();
  private static final String SECTION = Fixtures.CALIPER_SECTION;
  private static final String CTX = "http://purl.imsglobal.org/ctx/caliper/v1p2";
  private static final Instant TERM_START = Fixtures.TERM_START;
  private static final List<String> STUDENTS =
      List.of(
          "https://example.edu/users/1001",
          "https://example.edu/users/1002",
          "https://example.edu/users/1003");
  private static final String QUITTER = STUDENTS.get(2);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldRaiseLoginInactiveForTheStudentWhoStopsLoggingIn(RabbitVhost vhost, @TempDir Path state)
      throws Exception {
    String app = "risk-e2e";
    try (StreamLog log = vhost.openLog()) {
      for (String s : StreamNames.ALL) {
        log.createStream(s, Retention.unlimited());
      }
      log.createStream(app + "-refused", Retention.unlimited());
      log.createStream(StreamNames.deadLetters(app), Retention.unlimited());

      try (IngestServer server =
          IngestServer.start(
              log,
              IngestServer.Options.defaults(new InetSocketAddress("127.0.0.1", 0), TOKEN)
                  .withCatalog(Fixtures.catalog()),
              new SimpleMeterRegistry(),
              Clock.systemUTC())) {
        IngestClient client = new IngestClient(server.address(), TOKEN);
        // Three weeks, one envelope per day as a sensor batching its events would send.
        for (int day = 0; day < 21; day++) {
          Instant morning = TERM_START.plus(day, ChronoUnit.DAYS).plus(9, ChronoUnit.HOURS);
          ObjectNode envelope = envelope();
          ArrayNode data = (ArrayNode) envelope.get("data");
          for (int i = 0; i < STUDENTS.size(); i++) {
            String student = STUDENTS.get(i);
            if (student.equals(QUITTER) && day > 2) {
              continue;
            }
            Instant t = morning.plus(i, ChronoUnit.MINUTES);
            data.add(loggedIn(student, t));
            data.add(navigatedTo(student, t.plus(5, ChronoUnit.MINUTES)));
          }
          IngestClient.Answer a = client.post("/v1/caliper", JSON.writeValueAsBytes(envelope));
          assertThat(a.status()).as("day " + day + ": " + a.body()).isEqualTo(200);
        }
      }

      try (StreamEngine engine =
          StreamEngine.builder()
              .applicationId(app)
              // the per-student login rule (off by default since default-4): what an LMS sends
              // through ingest reaches the rules with its event times
              .topology(
                  RiskTopology.build(
                      RiskTopology.Options.forApplication(app)
                          .withRules(RulesConfig.DEFAULTS.withOnly(Rule.LOGIN_INACTIVE))))
              .log(log)
              .stateDir(state)
              .build()) {
        engine.start();
        assertThat(engine.awaitIdle(Duration.ofMinutes(2))).isTrue();
      }

      List<Alert> alerts =
          IngestClient.bodiesSince(log, StreamNames.ALERTS, 0).stream()
              .map(AlertCodec::decode)
              .toList();
      assertThat(alerts)
          .filteredOn(a -> a.type() == Alert.Type.OPENED)
          .extracting(Alert::rule, Alert::studentId, Alert::openedAt)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(
                  Rule.LOGIN_INACTIVE, QUITTER, Instant.parse("2026-09-16T09:02:00Z")));
    }
  }

  private static ObjectNode envelope() {
    ObjectNode e = JSON.createObjectNode();
    e.put("sensor", "https://example.edu/sensors/lms");
    e.put("sendTime", Instant.now().toString());
    e.put("dataVersion", CTX);
    e.putArray("data");
    return e;
  }

  private static ObjectNode event(String type, String action, String student, Instant t) {
    ObjectNode e = JSON.createObjectNode();
    e.put("@context", CTX);
    e.put("id", "urn:uuid:" + UUID.randomUUID());
    e.put("type", type);
    e.putObject("actor").put("id", student).put("type", "Person");
    e.put("action", action);
    e.put("eventTime", t.toString());
    e.putObject("edApp").put("id", "https://example.edu").put("type", "SoftwareApplication");
    return e;
  }

  private static ObjectNode loggedIn(String student, Instant t) {
    ObjectNode e = event("SessionEvent", "LoggedIn", student, t);
    e.putObject("object").put("id", "https://example.edu").put("type", "SoftwareApplication");
    return e;
  }

  private static ObjectNode navigatedTo(String student, Instant t) {
    ObjectNode e = event("NavigationEvent", "NavigatedTo", student, t);
    e.putObject("object").put("id", SECTION + "/pages/home").put("type", "WebPage");
    e.putObject("group").put("id", SECTION).put("type", "CourseSection");
    ObjectNode m = e.putObject("membership");
    m.put("id", SECTION + "/rosters/" + student.substring(student.lastIndexOf('/') + 1));
    m.put("type", "Membership");
    m.put("member", student);
    m.put("organization", SECTION);
    m.putArray("roles").add("Learner");
    m.put("status", "Active");
    m.put("dateCreated", "2026-08-20T06:00:00.000Z");
    return e;
  }
}
