package coursepulse.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.MalformedEventException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BiConsumer;

/**
 * A seeded generator of hostile messages interleaved with valid traffic: after each valid event of
 * a stream it emits 0 to 3 hostile ones (4/3 on average) built from it, with the same event time
 * (so the valid events' processing order and stream time are unchanged).
 *
 * <p>Kinds: random bytes, truncated JSON, empty messages, oversized messages (64 KiB to 900 KiB),
 * wrong types, missing ids, unknown event types, unknown schema versions, timestamps before 1970
 * or past the schema's range, exact and modified re-sends of the previous event (duplicate event
 * ids), events of unknown students ({@code x-n-*}) and courses ({@code c-999}), ids with control
 * characters, and enrolments of new students ({@code x-u-*}) whose names and emails are full of
 * unicode and control characters (valid: they are accepted and tracked).
 *
 * <p>{@link #expected} counts the reason each hostile message must be refused with: the codec's
 * code for unreadable bytes (computed by {@link EventCodec} itself), the application's reason for
 * refused events.
 */
final class HostileTraffic {
  static final String UNKNOWN_STUDENT_PREFIX = "x-n-";
  static final String UNICODE_STUDENT_PREFIX = "x-u-";
  private static final int MAX_OVERSIZED = 40;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] NAMES = {
    "Zoë Ñúñez-Łukasz", "名前 テスト", "😀 \uD83D\uDE00 Emoji", "\u202Eevil\u202C RTL", "bell\u0007 nul\u0000 tab\t",
    "O'Brien \"quoted\" \\ back", "\uFFFF\uFFFE nonchar", "line\nbreak\r\n"
  };

  private final Random random;
  /** Expected refusals by reason (engine codes and application reasons together). */
  final Map<String, Long> expected = new TreeMap<>();
  /** Expected refusals that end in the engine's {@code -dlq} (unreadable bytes), by reason. */
  final Map<String, Long> unreadable = new TreeMap<>();
  /** Expected refusals that end in the application's {@code -refused}, by reason. */
  final Map<String, Long> refused = new TreeMap<>();
  long hostile;
  private int oversized;
  private long serial;

  HostileTraffic(long seed) {
    this.random = new Random(seed);
  }

  /** Emits the valid events of one stream with hostile ones interleaved. */
  void interleave(List<String> valid, BiConsumer<byte[], Boolean> out) throws Exception {
    for (String v : valid) {
      out.accept(v.getBytes(StandardCharsets.UTF_8), true);
      int n = random.nextInt(3) + (random.nextInt(3) == 0 ? 1 : 0);
      for (int i = 0; i < n; i++) {
        byte[] h = hostile(v);
        if (h != null) {
          out.accept(h, false);
          hostile++;
        }
      }
    }
  }

  private byte[] hostile(String valid) throws Exception {
    ObjectNode e = (ObjectNode) JSON.readTree(valid);
    String type = e.get("type").asText();
    boolean hasStudent = e.has("studentId");
    switch (random.nextInt(15)) {
      case 0:
        byte[] junk = new byte[1 + random.nextInt(200)];
        random.nextBytes(junk);
        junk[0] = (byte) 0xFF; // never valid JSON
        return unreadable(junk);
      case 1:
        byte[] b = valid.getBytes(StandardCharsets.UTF_8);
        return unreadable(java.util.Arrays.copyOf(b, 1 + random.nextInt(b.length - 1)));
      case 2:
        return unreadable(new byte[0]);
      case 3:
        if (oversized < MAX_OVERSIZED) {
          oversized++;
          e.put("padding", "x".repeat(EventCodec.MAX_EVENT_BYTES + random.nextInt(900 * 1024 - EventCodec.MAX_EVENT_BYTES)));
          return unreadable(bytes(e));
        }
        return unreadable(new byte[0]);
      case 4:
        switch (random.nextInt(3)) {
          case 0 -> e.put("schemaVersion", "1");
          case 1 -> e.putObject("occurredAt").put("seconds", 1);
          default -> e.putArray(hasStudent ? "studentId" : "courseId").add(1).add(2);
        }
        return unreadable(bytes(e));
      case 5:
        e.remove(random.nextBoolean() ? "eventId" : (hasStudent ? "studentId" : "courseId"));
        return unreadable(bytes(e));
      case 6:
        e.put("type", random.nextBoolean() ? "grade_posted" : "");
        return unreadable(bytes(e));
      case 7:
        e.put("schemaVersion", random.nextBoolean() ? 2 : -1);
        return unreadable(bytes(e));
      case 8:
        String[] times = {"1969-07-20T20:17:00Z", "3000-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "yesterday", "2026-13-45T99:00:00Z"};
        e.put("occurredAt", times[random.nextInt(times.length)]);
        return unreadable(bytes(e));
      case 9:
      case 10:
        // A re-send: the same event again, byte for byte or with an unknown field added.
        if (random.nextBoolean()) {
          e.put("resent", true);
        }
        return refused("duplicate_event", bytes(e));
      case 11:
        if (type.equals("assignment_created")) {
          return unknownStudentLogin(e);
        }
        if (type.equals("enrollment_created")) {
          e.put("type", "enrollment_dropped");
        }
        e.put("studentId", UNKNOWN_STUDENT_PREFIX + (serial++));
        e.put("eventId", newEventId());
        return refused("not_enrolled", bytes(e));
      case 12:
        if (!type.equals("asset_accessed") && !type.equals("submission_created")) {
          return unknownStudentLogin(e);
        }
        e.put("courseId", "c-999");
        e.put("eventId", newEventId());
        return refused("not_enrolled", bytes(e));
      case 13:
        e.put(hasStudent ? "studentId" : "courseId", "s-\u0001\u001f-bad");
        e.put("eventId", newEventId());
        return refused("invalid_id", bytes(e));
      default:
        if (!type.equals("enrollment_created")) {
          return unknownStudentLogin(e);
        }
        String name = NAMES[random.nextInt(NAMES.length)];
        e.put("studentId", UNICODE_STUDENT_PREFIX + (serial++));
        e.put("eventId", newEventId());
        e.put("name", name);
        e.put("email", name.replace(' ', '.') + "@students.example.edu");
        return bytes(e); // valid: accepted, tracked, never echoed in logs or meters
    }
  }

  private byte[] unknownStudentLogin(ObjectNode e) {
    ObjectNode login = JSON.createObjectNode();
    login.put("type", "logged_in");
    login.put("eventId", newEventId());
    login.put("schemaVersion", 1);
    login.set("occurredAt", e.get("occurredAt"));
    login.put("studentId", UNKNOWN_STUDENT_PREFIX + (serial++));
    login.put("device", "desktop");
    if (!e.get("type").asText().startsWith("logged_")) {
      // interleaved into 01-Enrollment or 03-Activity: refused for the stream, whoever it names
      unreadable.merge("wrong_stream", 1L, Long::sum);
      expected.merge("wrong_stream", 1L, Long::sum);
      return bytes(login);
    }
    return refused("not_enrolled", bytes(login));
  }

  private String newEventId() {
    return new java.util.UUID(random.nextLong(), random.nextLong()).toString();
  }

  private byte[] unreadable(byte[] bytes) {
    String reason;
    try {
      EventCodec.decode(bytes);
      throw new IllegalStateException("generated an unreadable message that decodes");
    } catch (MalformedEventException ex) {
      reason = ex.reason().code();
    }
    unreadable.merge(reason, 1L, Long::sum);
    expected.merge(reason, 1L, Long::sum);
    return bytes;
  }

  private byte[] refused(String reason, byte[] bytes) {
    EventCodec.decode(bytes); // must be readable: refused by the application, not the codec
    refused.merge(reason, 1L, Long::sum);
    expected.merge(reason, 1L, Long::sum);
    return bytes;
  }

  private static byte[] bytes(ObjectNode e) {
    try {
      return JSON.writeValueAsBytes(e);
    } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
  }

  static List<String> reasonsOf(List<String> records) throws Exception {
    List<String> out = new ArrayList<>();
    for (String r : records) {
      out.add(JSON.readTree(r).get("reason").asText());
    }
    return out;
  }
}
