package coursepulse.lms.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The streaming decoder against the data-binding one it short-cuts: for every input, the same
 * event or the same refusal (reason and message).
 */
class EventCodecTest {
  private static final ObjectMapper MAPPER = EventCodec.newMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static final Instant T = Instant.parse("2026-09-08T10:15:30Z");

  private static List<LmsEvent> samples() {
    return List.of(
        new EnrollmentCreated("e1", 1, T, "s1", "c1", "student", "Ann", "a@x.org",
            Instant.parse("2026-09-07T00:00:00Z"), Instant.parse("2026-12-20T00:00:00Z")),
        new EnrollmentDropped("e2", 1, T, "s1", "c1", "withdrew"),
        new LoggedIn("e3", 1, T, "s1", "desktop", "Mozilla/5.0"),
        new LoggedOut("e4", 1, T, "s1"),
        new AssignmentCreated("e5", 1, T, "c1", "a1", Instant.parse("2026-09-14T23:59:00Z"), 10.5),
        new SubmissionCreated("e6", 1, T, "s1", "c1", "a1", true),
        new AssetAccessed("e7", 1, Instant.parse("2026-09-08T10:15:30.123456789Z"), "s1", "c1",
            "video"),
        // the optional grade, page and click count (OULAD, graded feeds)
        new AssignmentCreated(
            "e8", 1, T, "c1", "a2", Instant.parse("2026-09-21T23:59:59Z"), 100, "TMA", 20.0),
        new SubmissionCreated("e9", 1, T, "s1", "c1", "a2", false, 78.5),
        new AssetAccessed("e10", 1, T, "s1", "c1", "oucontent", "546943", 12));
  }

  @Test
  void shouldDecodeEverySimulatedEventOnTheStreamingPathToTheSameRecord() {
    SimulationRun run =
        new Simulation(SimulationConfig.defaults().withStudents(50)).run();
    int n = 0;
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      byte[] json = e.toJson();
      LmsEvent fast = new StreamingEventDecoder(MAPPER.getFactory()).decode(json);
      assertThat(fast).as(new String(json, StandardCharsets.UTF_8)).isNotNull();
      assertThat(fast).isEqualTo(EventCodec.decodeWithTree(json));
      n++;
    }
    assertThat(n).isGreaterThan(1000);
  }

  @Test
  void shouldDecodeEncodedEventsOnTheStreamingPath() {
    for (LmsEvent event : samples()) {
      byte[] json = EventCodec.encode(event);
      assertThat(new StreamingEventDecoder(MAPPER.getFactory()).decode(json)).isEqualTo(event);
      assertThat(EventCodec.decode(json)).isEqualTo(event);
    }
  }

  @Test
  void shouldLeaveOptionalFieldsOutOfTheBytesWhenAbsent() {
    String json =
        new String(
            EventCodec.encode(new SubmissionCreated("e6", 1, T, "s1", "c1", "a1", true)),
            StandardCharsets.UTF_8);
    assertThat(json).doesNotContain("score");
    assertThat(EventCodec.encode(new SubmissionCreated("e6", 1, T, "s1", "c1", "a1", true, 78.5)))
        .asString(StandardCharsets.UTF_8)
        .endsWith(",\"late\":true,\"score\":78.5}");
  }

  @Test
  void shouldRefuseANegativeScoreAndANonPositiveClickCount() {
    byte[] score =
        "{\"type\":\"submission_created\",\"eventId\":\"e\",\"schemaVersion\":1,\"occurredAt\":\"2026-09-08T10:15:30Z\",\"studentId\":\"s\",\"courseId\":\"c\",\"assignmentId\":\"a\",\"late\":false,\"score\":-1}"
            .getBytes(StandardCharsets.UTF_8);
    byte[] clicks =
        "{\"type\":\"asset_accessed\",\"eventId\":\"e\",\"schemaVersion\":1,\"occurredAt\":\"2026-09-08T10:15:30Z\",\"studentId\":\"s\",\"courseId\":\"c\",\"assetKind\":\"page\",\"clicks\":0}"
            .getBytes(StandardCharsets.UTF_8);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventCodec.decode(score))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("score");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> EventCodec.decode(clicks))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("clicks");
  }

  @Test
  void shouldRefuseMalformedEventsWithTheSameReasonAndMessageAsDataBinding() throws Exception {
    List<byte[]> inputs = new ArrayList<>();
    JsonNode[] values = {
      NODES.nullNode(), NODES.numberNode(1), NODES.numberNode(1.5), NODES.numberNode(0),
      NODES.numberNode(2), NODES.numberNode(1_700_000_000L), NODES.booleanNode(true),
      NODES.objectNode(), NODES.arrayNode(), NODES.textNode(""), NODES.textNode(" "),
      NODES.textNode("x"), NODES.textNode("1"), NODES.textNode("1700000000"),
      NODES.textNode("2026-02-30T00:00:00Z"), NODES.textNode("2026-01-01T24:00:00Z"),
      NODES.textNode("2026-01-01T00:00:60Z"), NODES.textNode("2026-01-01t00:00:00z"),
      NODES.textNode("2026-01-01T00:00:00+00:00"), NODES.textNode("2026-01-01T00:00:00.Z"),
      NODES.textNode("2026-01-01T00:00:00.1234567891Z"), NODES.textNode("1969-12-31T23:59:59Z"),
      NODES.textNode("2200-01-01T00:00:00Z"), NODES.textNode("2024-02-29T12:00:00.5Z"),
      NODES.textNode("2023-02-29T12:00:00Z"), NODES.textNode("logged_in"),
      NODES.textNode("no_such_type"),
    };
    for (LmsEvent event : samples()) {
      ObjectNode base = (ObjectNode) MAPPER.readTree(EventCodec.encode(event));
      inputs.add(MAPPER.writeValueAsBytes(base));
      for (Iterator<String> it = base.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        ObjectNode removed = base.deepCopy();
        removed.remove(field);
        inputs.add(MAPPER.writeValueAsBytes(removed));
        for (JsonNode v : values) {
          ObjectNode changed = base.deepCopy();
          changed.set(field, v);
          inputs.add(MAPPER.writeValueAsBytes(changed));
        }
        String json = MAPPER.writeValueAsString(base);
        // duplicate field, first and last
        inputs.add(("{\"" + field + "\":\"dup\"," + json.substring(1)).getBytes(StandardCharsets.UTF_8));
        inputs.add((json.substring(0, json.length() - 1) + ",\"" + field + "\":\"dup\"}")
            .getBytes(StandardCharsets.UTF_8));
      }
      ObjectNode extra = base.deepCopy();
      extra.set("extra", NODES.objectNode().set("nested", NODES.arrayNode().add(1)));
      inputs.add(MAPPER.writeValueAsBytes(extra));
      byte[] json = MAPPER.writeValueAsBytes(base);
      for (int cut = 0; cut < json.length; cut++) {
        inputs.add(Arrays.copyOf(json, cut));
      }
      byte[] trailing = Arrays.copyOf(json, json.length + 3);
      trailing[json.length] = ' ';
      trailing[json.length + 1] = '}';
      trailing[json.length + 2] = '{';
      inputs.add(trailing);
    }
    for (String s : new String[] {"", " ", "null", "[]", "[1]", "1", "\"x\"", "{}", "{\"a\":1}",
        "{\"schemaVersion\":1}", "{\"type\":\"logged_in\"}", "{\"schemaVersion\":\"1\",\"type\":\"x\"}",
        "{\"schemaVersion\":1,\"type\":7}", "\u0000{", "{\"schemaVersion\":99999999999,\"type\":\"logged_in\"}"}) {
      inputs.add(s.getBytes(StandardCharsets.UTF_8));
    }
    inputs.add(new byte[EventCodec.MAX_EVENT_BYTES + 1]);
    inputs.add(null);

    int refused = 0;
    for (byte[] input : inputs) {
      Object expected = outcome(() -> input == null || input.length == 0
          || input.length > EventCodec.MAX_EVENT_BYTES
              ? EventCodec.decode(input) : EventCodec.decodeWithTree(input));
      Object actual = outcome(() -> EventCodec.decode(input));
      assertThat(actual)
          .as(input == null ? "null" : new String(input, StandardCharsets.UTF_8))
          .isEqualTo(expected);
      if (expected instanceof String) {
        refused++;
      }
    }
    assertThat(refused).isGreaterThan(300);
  }

  @Test
  void shouldRefuseANumberWhereTheSchemaSaysString() throws Exception {
    for (LmsEvent event : samples()) {
      ObjectNode base = (ObjectNode) MAPPER.readTree(EventCodec.encode(event));
      for (String field : List.of("studentId", "occurredAt", "eventId")) {
        ObjectNode changed = base.deepCopy();
        changed.set(field, NODES.numberNode(field.equals("occurredAt") ? 1_700_000_000L : 42));
        byte[] json = MAPPER.writeValueAsBytes(changed);
        String expected = "WRONG_TYPE wrong_type: " + field + " is not a string";
        if (base.has(field)) {
          assertThat(outcome(() -> EventCodec.decode(json))).as(field).isEqualTo(expected);
          assertThat(outcome(() -> EventCodec.decodeWithTree(json))).as(field).isEqualTo(expected);
        }
      }
    }
  }

  /** Neither path coerces: 1.9 clicks, "3" clicks, late 1 and a score "87.5" are refused. */
  @Test
  void shouldRefuseNumbersAndBooleansOfTheWrongType() throws Exception {
    Map<String, List<com.fasterxml.jackson.databind.JsonNode>> wrong =
        Map.of(
            "clicks", List.of(NODES.numberNode(1.9), NODES.textNode("3"), NODES.numberNode(0.5)),
            "score", List.of(NODES.textNode("87.5"), NODES.booleanNode(true)),
            "pointsPossible", List.of(NODES.textNode("100")),
            "weight", List.of(NODES.textNode("20")),
            "late", List.of(NODES.numberNode(1), NODES.textNode("true")));
    Map<String, String> kind =
        Map.of("clicks", "a whole number", "score", "a number", "pointsPossible", "a number",
            "weight", "a number", "late", "true or false");
    int checked = 0;
    for (LmsEvent event : samples()) {
      ObjectNode base = (ObjectNode) MAPPER.readTree(EventCodec.encode(event));
      for (var e : wrong.entrySet()) {
        if (!base.has(e.getKey())) {
          continue;
        }
        for (var value : e.getValue()) {
          ObjectNode changed = base.deepCopy();
          changed.set(e.getKey(), value);
          byte[] json = MAPPER.writeValueAsBytes(changed);
          String expected = "WRONG_TYPE wrong_type: " + e.getKey() + " is not " + kind.get(e.getKey());
          assertThat(outcome(() -> EventCodec.decode(json))).as("%s", changed).isEqualTo(expected);
          assertThat(outcome(() -> EventCodec.decodeWithTree(json))).as("%s", changed).isEqualTo(expected);
          checked++;
        }
      }
    }
    assertThat(checked).as("fields present in the samples").isGreaterThanOrEqualTo(9);
  }

  @Test
  void shouldRefuseAnEventReadFromAStreamThatDoesNotCarryItsType() {
    for (LmsEvent event : samples()) {
      byte[] json = EventCodec.encode(event);
      assertThat(EventCodec.decodeFrom(event.stream(), json)).isEqualTo(event);
      String other =
          event.stream().equals(StreamNames.LOGIN) ? StreamNames.ENROLLMENT : StreamNames.LOGIN;
      assertThat(outcome(() -> EventCodec.decodeFrom(other, json)))
          .isEqualTo(
              "WRONG_STREAM wrong_stream: " + event.type() + " belongs in " + event.stream() + ", not " + other);
    }
  }

  @Test
  void shouldParseCanonicalInstantsLikeIsoInstant() {
    for (String s : new String[] {"2026-09-08T10:15:30Z", "2024-02-29T23:59:59.999999999Z",
        "1970-01-01T00:00:00Z", "2199-12-31T23:59:59.1Z", "2000-03-01T00:00:00.120Z",
        "1900-02-28T01:02:03Z", "0001-01-01T00:00:00Z"}) {
      assertThat(StreamingEventDecoder.parseInstant(s)).as(s).isEqualTo(Instant.parse(s));
    }
    for (String s : new String[] {"2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-01-01T00:00:00", "2026-01-01 00:00:00Z",
        "+2026-01-01T00:00:00Z", "2026-01-01T00:00:00.1234567890Z"}) {
      assertThat(StreamingEventDecoder.parseInstant(s)).as(s).isNull();
    }
  }

  private interface Decode {
    LmsEvent run();
  }

  /** The event, or "reason: message" of the refusal. */
  private static Object outcome(Decode decode) {
    try {
      return decode.run();
    } catch (MalformedEventException e) {
      return e.reason() + " " + e.getMessage();
    }
  }

  /** The event examples in docs/events.md are valid and written exactly as the codec writes them. */
  @Test
  void shouldReadAndWriteTheDocumentedExamplesByteForByte() throws Exception {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/events.md"));
    List<String> examples =
        doc.lines()
            .filter(l -> l.startsWith("{\"type\":\"") && !l.startsWith("{\"type\":\"alert_"))
            .toList();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(7);
    for (String line : examples) {
      LmsEvent event = EventCodec.decode(line.getBytes(StandardCharsets.UTF_8));
      assertThat(new String(EventCodec.encode(event), StandardCharsets.UTF_8)).isEqualTo(line);
    }
  }
}
