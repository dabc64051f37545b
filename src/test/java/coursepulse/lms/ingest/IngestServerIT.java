package coursepulse.lms.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.event.SubmissionCreated;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Posts the fixtures to a running ingest endpoint on RabbitMQ and reads the streams back. */
@ExtendWith(RabbitMqExtension.class)
class IngestServerIT {

  private static final String TOKEN = "test-token-" + UUID.randomUUID();
  private static final String DLQ = "ingest-dlq";
  private static final List<String> STREAMS =
      List.of(StreamNames.ENROLLMENT, StreamNames.LOGIN, StreamNames.ACTIVITY, DLQ);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-09-14T12:00:00Z"), ZoneOffset.UTC);

  private StreamLog log;
  private IngestServer server;
  private IngestClient client;
  private SimpleMeterRegistry registry;
  private Map<String, Long> marks;

  @BeforeAll
  static void createStreams(RabbitVhost vhost) {
    try (StreamLog log = vhost.openLog()) {
      for (String s : StreamNames.INPUTS) {
        log.createStream(s, Retention.unlimited());
      }
      // ingest creates it when missing; created here so every test can mark its end first.
      log.createStream(DLQ, Retention.unlimited());
    }
  }

  @BeforeEach
  void start(RabbitVhost vhost) throws IOException {
    log = vhost.openLog();
    marks = IngestClient.marks(log, STREAMS);
    startServer();
  }

  private void startServer() throws IOException {
    registry = new SimpleMeterRegistry();
    server =
        IngestServer.start(
            log,
            IngestServer.Options.defaults(new InetSocketAddress("127.0.0.1", 0), TOKEN)
                .withCatalog(Fixtures.catalog())
                .withMaxRequestBytes(64 * 1024)
                // the fixtures span the term and the fixed clock is in its second week
                .withMaxEventTimeAhead(java.time.Duration.ofDays(120)),
            registry,
            CLOCK);
    client = new IngestClient(server.address(), TOKEN);
  }

  @AfterEach
  void stop() {
    server.close();
    log.close();
  }

  private List<LmsEvent> landed(String stream) {
    return IngestClient.eventsSince(log, stream, marks.get(stream));
  }

  private static List<String> ids(List<LmsEvent> events) {
    return events.stream().map(e -> e.type() + " " + e.eventId()).toList();
  }

  /** The events the mapper makes of the fixtures: the exact content expected in the streams. */
  private static List<LmsEvent> mapped(CaliperMapper mapper, String fixture) {
    return ((MappedEvent.Accepted) mapper.map(Fixtures.json("caliper/" + fixture)).get(0)).events();
  }

  @Test
  void shouldAppendEachCaliperFixtureToItsStream() {
    List<String> fixtures =
        List.of(
            "session-logged-in.json", "navigation-navigated-to.json", "view-viewed.json",
            "assignable-submitted.json", "tool-use-used.json", "assessment-submitted.json",
            "session-logged-out.json");
    CaliperMapper mapper = new CaliperMapper(Fixtures.catalog());
    List<LmsEvent> expected = new ArrayList<>();
    for (String f : fixtures) {
      IngestClient.Answer a = client.post("/v1/caliper", Fixtures.bytes("caliper/" + f));
      assertThat(a.status()).as(f + ": " + a.body()).isEqualTo(200);
      assertThat(a.body().get("accepted").asInt()).isEqualTo(1);
      expected.addAll(mapped(mapper, f));
    }

    String enrolment =
        "enrollment_created " + ((LmsEvent) mapped(mapper, "view-viewed.json").get(0)).eventId();
    assertThat(ids(landed(StreamNames.ENROLLMENT))).containsExactly(enrolment);
    assertThat(ids(landed(StreamNames.LOGIN)))
        .containsExactly(
            "logged_in urn:uuid:fcd495d0-3740-4298-9bec-1154571dc211",
            "logged_out urn:uuid:a438f8ac-1da3-4d48-8c86-94a1b387e0f6");
    assertThat(ids(landed(StreamNames.ACTIVITY)))
        .containsExactly(
            "asset_accessed urn:uuid:ff9ec22a-fc59-4ae1-ae8d-2c9463ee2f8f",
            "asset_accessed urn:uuid:cd088ca7-c044-405c-bb41-0b2a8506f907",
            "submission_created urn:uuid:a50ca17f-5971-47bb-8fca-4e6e6879001d",
            "asset_accessed urn:uuid:7e10e4f3-a0d8-4430-95bd-783ffae4d916",
            "submission_created urn:uuid:dad88464-0c20-4a19-a1ba-ddf2f9c3ff33");
    List<LmsEvent> all = new ArrayList<>();
    all.addAll(landed(StreamNames.ENROLLMENT));
    all.addAll(landed(StreamNames.LOGIN));
    all.addAll(landed(StreamNames.ACTIVITY));
    // Field by field equal to the mapping; the implied enrolment once, as first mapped: later
    // events imply the same event id and are dropped as duplicates.
    Map<String, LmsEvent> firstById = new java.util.LinkedHashMap<>();
    expected.forEach(e -> firstById.putIfAbsent(e.eventId(), e));
    assertThat(all).containsExactlyInAnyOrderElementsOf(firstById.values());
    assertThat(registry.get("coursepulse.ingest.events.duplicate").counter().count()).isEqualTo(4);
  }

  @Test
  void shouldAppendEachCanvasFixtureToItsStream() {
    List<String> fixtures =
        List.of(
            "enrollment_created.json", "assignment_created.json", "logged_in.json",
            "asset_accessed.json", "submission_created.json", "enrollment_updated-active.json",
            "enrollment_updated-deleted.json");
    for (String f : fixtures) {
      IngestClient.Answer a = client.post("/v1/canvas", Fixtures.bytes("canvas/" + f));
      assertThat(a.status()).as(f + ": " + a.body()).isEqualTo(200);
    }
    String submissionId =
        CanvasMapper.derivedId(Fixtures.json("canvas/submission_created.json"));
    assertThat(ids(landed(StreamNames.ENROLLMENT)))
        .containsExactly(
            "enrollment_created 2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b02",
            "enrollment_dropped 2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b06");
    assertThat(ids(landed(StreamNames.LOGIN)))
        .containsExactly("logged_in 2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b01");
    assertThat(ids(landed(StreamNames.ACTIVITY)))
        .containsExactly(
            "assignment_created 2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b03",
            "asset_accessed 2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b05",
            "submission_created " + submissionId);
    CanvasMapper mapper = new CanvasMapper(Fixtures.catalog());
    ArrayNode both = JSON.createArrayNode()
        .add(Fixtures.json("canvas/assignment_created.json"))
        .add(Fixtures.json("canvas/submission_created.json"));
    assertThat(landed(StreamNames.ACTIVITY).get(2))
        .isEqualTo(((MappedEvent.Accepted) mapper.map(both).get(1)).events().get(0));
  }

  @Test
  void shouldRefuseABodyOfTwoJsonDocumentsRatherThanStoreOnlyTheFirst() {
    byte[] first = Fixtures.bytes("canvas/logged_in.json");
    byte[] second = Fixtures.bytes("canvas/asset_accessed.json");
    byte[] body = new byte[first.length + 1 + second.length];
    System.arraycopy(first, 0, body, 0, first.length);
    body[first.length] = '\n';
    System.arraycopy(second, 0, body, first.length + 1, second.length);

    IngestClient.Answer a = client.post("/v1/canvas", body);

    assertThat(a.status() + " " + a.body().get("error").asText()).isEqualTo("400 not_json");
    assertThat(a.body().get("detail").asText()).contains("one JSON array");
    for (String s : STREAMS) {
      assertThat(IngestClient.end(log, s)).as(s).isEqualTo(marks.get(s));
    }
  }

  @Test
  void shouldNotLearnTheCourseOfAnAssignmentFromARefusedRequest() {
    String assignment = "a-" + UUID.randomUUID();
    ObjectNode created = (ObjectNode) Fixtures.json("canvas/assignment_created.json");
    ((ObjectNode) created.get("metadata")).put("event_id", UUID.randomUUID().toString());
    ((ObjectNode) created.get("body")).put("assignment_id", assignment);
    ((ObjectNode) created.get("metadata")).put("event_time", "2027-06-01T00:00:00Z");
    ObjectNode submission = (ObjectNode) Fixtures.json("canvas/submission_created.json");
    ((ObjectNode) submission.get("metadata")).put("event_id", UUID.randomUUID().toString());
    ((ObjectNode) submission.get("body")).put("assignment_id", assignment);

    // Refused whole (dated far ahead): the submission that follows has no known course.
    assertThat(client.post("/v1/canvas", created.toString().getBytes()).status()).isEqualTo(400);
    IngestClient.Answer orphan = client.post("/v1/canvas", submission.toString().getBytes());
    assertThat(orphan.body().at("/results/0/reason").asText()).isEqualTo("unknown_course");

    // Appended: now it has.
    ((ObjectNode) created.get("metadata")).put("event_time", "2026-09-01T14:00:00Z");
    assertThat(client.post("/v1/canvas", created.toString().getBytes()).status()).isEqualTo(200);
    ((ObjectNode) submission.get("metadata")).put("event_id", UUID.randomUUID().toString());
    IngestClient.Answer known = client.post("/v1/canvas", submission.toString().getBytes());
    assertThat(known.status()).as(known.body().toString()).isEqualTo(200);
    assertThat(landed(StreamNames.ACTIVITY))
        .last()
        .isInstanceOfSatisfying(SubmissionCreated.class,
            e -> assertThat(e.courseId()).isEqualTo(Fixtures.CANVAS_COURSE));
  }

  @Test
  void shouldAddNothingWhenADeliveryIsRetriedEvenAfterARestart() throws IOException {
    byte[] envelope = withFreshIds(Fixtures.json("caliper/session-logged-in.json"));
    assertThat(client.post("/v1/caliper", envelope).status()).isEqualTo(200);
    IngestClient.Answer retry = client.post("/v1/caliper", envelope);
    assertThat(retry.status()).isEqualTo(200);
    assertThat(retry.body().get("duplicates").asInt()).isEqualTo(1);
    assertThat(retry.body().at("/results/0/status").asText()).isEqualTo("duplicate");

    server.close();
    startServer();
    IngestClient.Answer afterRestart = client.post("/v1/caliper", envelope);
    assertThat(afterRestart.body().at("/results/0/status").asText()).isEqualTo("duplicate");

    assertThat(landed(StreamNames.LOGIN)).hasSize(1);
  }

  @Test
  void shouldAnswer401AndAppendNothingForAWrongOrMissingToken() {
    byte[] envelope = withFreshIds(Fixtures.json("caliper/session-logged-in.json"));
    IngestClient.Answer wrong = client.post("/v1/caliper", envelope, TOKEN + "x");
    IngestClient.Answer missing = client.post("/v1/caliper", envelope, null);
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.body().get("error").asText()).isEqualTo("unauthorized");
    assertThat(missing.status()).isEqualTo(401);
    for (String s : STREAMS) {
      assertThat(IngestClient.end(log, s)).as(s).isEqualTo(marks.get(s));
    }
  }

  @Test
  void shouldAnswer400WithAJsonReasonForMalformedEnvelopes() {
    assertThat(client.post("/v1/caliper", Fixtures.bytes("caliper/malformed-not-json.txt")))
        .extracting(a -> a.status() + " " + a.body().get("error").asText())
        .isEqualTo("400 not_json");
    assertThat(client.post("/v1/caliper", Fixtures.bytes("caliper/malformed-missing-data.json")))
        .extracting(a -> a.status() + " " + a.body().get("error").asText())
        .isEqualTo("400 missing_field");
    assertThat(
            client.post(
                "/v1/caliper", Fixtures.bytes("caliper/malformed-unsupported-version.json")))
        .extracting(a -> a.status() + " " + a.body().get("error").asText())
        .isEqualTo("400 unsupported_version");
    assertThat(client.post("/v1/canvas", Fixtures.bytes("canvas/malformed-not-json.txt")))
        .extracting(a -> a.status() + " " + a.body().get("error").asText())
        .isEqualTo("400 not_json");
    assertThat(client.post("/v1/canvas", Fixtures.bytes("canvas/malformed-not-an-event.json")))
        .extracting(a -> a.status() + " " + a.body().get("error").asText())
        .isEqualTo("400 missing_field");
    for (String s : STREAMS) {
      assertThat(IngestClient.end(log, s)).as(s).isEqualTo(marks.get(s));
    }
  }

  @Test
  void shouldAppendTheGoodEventsAndDeadLetterTheBadOnesOfAPartialEnvelope() {
    IngestClient.Answer a = client.post("/v1/caliper", Fixtures.bytes("caliper/partial.json"));
    assertThat(a.status()).isEqualTo(207);
    assertThat(a.body().get("accepted").asInt()).isEqualTo(1);
    assertThat(a.body().get("ignored").asInt()).isEqualTo(1);
    assertThat(a.body().get("rejected").asInt()).isEqualTo(2);
    assertThat(a.body().at("/results/1/reason").asText()).isEqualTo("missing_field");
    assertThat(a.body().at("/results/1/detail").asText()).isEqualTo("actor.id");
    assertThat(a.body().at("/results/3/reason").asText()).isEqualTo("bad_timestamp");

    assertThat(ids(landed(StreamNames.LOGIN)))
        .containsExactly("logged_in urn:uuid:3a7f6c1e-8f0b-4d55-9a3d-5b0b1c7e2a01");
    List<JsonNode> dead =
        IngestClient.bodiesSince(log, DLQ, marks.get(DLQ)).stream().map(IngestClient::json).toList();
    assertThat(dead).hasSize(2);
    assertThat(dead.get(0).get("source").asText()).isEqualTo("caliper");
    assertThat(dead.get(0).get("reason").asText()).isEqualTo("missing_field");
    assertThat(dead.get(0).get("receivedAt").asText()).isEqualTo("2026-09-14T12:00:00Z");
    assertThat(dead.get(0).get("raw")).isEqualTo(Fixtures.json("caliper/partial.json").at("/data/1"));
    assertThat(dead.get(1).get("reason").asText()).isEqualTo("bad_timestamp");

    // A redelivery of the same envelope dead-letters nothing more.
    assertThat(client.post("/v1/caliper", Fixtures.bytes("caliper/partial.json")).status())
        .isEqualTo(207);
    assertThat(IngestClient.end(log, DLQ)).isEqualTo(marks.get(DLQ) + 2);
    assertThat(
            registry.get("coursepulse.ingest.events.rejected")
                .tags("source", "caliper", "reason", "missing_field")
                .counter()
                .count())
        .isEqualTo(2);
  }

  @Test
  void shouldAnswer400AndAppendNothingWhenAnEventIsDatedFarAheadOfTheClock() {
    ObjectNode envelope = (ObjectNode) Fixtures.json("caliper/session-logged-in.json");
    ArrayNode data = (ArrayNode) envelope.get("data");
    ObjectNode wrongClock = data.get(0).deepCopy();
    wrongClock.put("eventTime", "2027-06-01T00:00:00Z");
    data.add(wrongClock);

    IngestClient.Answer a = client.post("/v1/caliper", withFreshIds(envelope));

    assertThat(a.status()).isEqualTo(400);
    assertThat(a.body().get("error").asText()).isEqualTo("event_time_ahead");
    assertThat(a.body().get("detail").asText())
        .contains("event 1", "2027-06-01T00:00:00Z", "2026-09-14T12:00:00Z", "fix the sender's clock");
    for (String s : STREAMS) {
      assertThat(IngestClient.end(log, s)).as(s).isEqualTo(marks.get(s));
    }
    assertThat(
            registry.get("coursepulse.ingest.events.rejected")
                .tags("source", "caliper", "reason", "event_time_ahead")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void shouldAnswer413ForABodyOverTheLimit() {
    ObjectNode envelope = (ObjectNode) Fixtures.json("caliper/session-logged-in.json");
    envelope.put("padding", "x".repeat(70 * 1024));
    IngestClient.Answer a = client.post("/v1/caliper", envelope.toString().getBytes());
    assertThat(a.status()).isEqualTo(413);
    assertThat(a.body().get("error").asText()).isEqualTo("too_large");
    assertThat(IngestClient.end(log, StreamNames.LOGIN)).isEqualTo(marks.get(StreamNames.LOGIN));
  }

  @Test
  void shouldCountRequestsByStatusWithoutStudentIds() {
    client.post("/v1/caliper", withFreshIds(Fixtures.json("caliper/session-logged-in.json")));
    client.post("/v1/caliper", new byte[] {'{'}, TOKEN + "x");
    assertThat(
            registry.get("coursepulse.ingest.requests").tags("status", "200").counter().count())
        .isEqualTo(1);
    assertThat(
            registry.get("coursepulse.ingest.requests").tags("status", "401").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("coursepulse.ingest.append.latency").timer().count()).isEqualTo(1);
    registry.getMeters().forEach(m -> m.getId().getTags().forEach(t ->
        assertThat(t.getValue()).doesNotContain("554433").doesNotContain("example.edu")));
  }

  /** The envelope with new event ids, so a test does not collide with another's appends. */
  static byte[] withFreshIds(JsonNode envelope) {
    ObjectNode copy = envelope.deepCopy();
    for (JsonNode e : (ArrayNode) copy.get("data")) {
      ((ObjectNode) e).put("id", "urn:uuid:" + UUID.randomUUID());
    }
    try {
      return JSON.writeValueAsBytes(copy);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
