package coursepulse.lms.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * Encodes events to their JSON form (compact, fixed field order, so the same event always gives
 * the same bytes) and decodes and validates bytes from a stream. Thread-safe.
 */
public final class EventCodec {

  /** Larger messages are refused before parsing: no LMS event comes near this size. */
  public static final int MAX_EVENT_BYTES = 64 * 1024;

  /** Event times before this are refused (the schema covers LMS activity, not history). */
  static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");

  /** Event times after this are refused: they would move stream time past every real event. */
  static final Instant LATEST = Instant.parse("2200-01-01T00:00:00Z");

  private static final ObjectMapper MAPPER = newMapper();

  private static final StreamingEventDecoder STREAMING = new StreamingEventDecoder(MAPPER.getFactory());

  private EventCodec() {}

  /** A mapper configured like the codec's: ISO-8601 instants, no unknown-field failures. */
  public static ObjectMapper newMapper() {
    return new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        // A missing primitive (late, pointsPossible) still fails, as "Cannot map `null`".
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        // Off: it made every field required, so an event without an optional field (device,
        // userAgent, role, name, email, reason, assetKind) was refused as wrong_type. Required
        // fields are checked by validate() and reported as missing_field.
        .disable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES);
  }

  /** Fields the schema types as strings (ids, ISO-8601 times, labels), in every event type. */
  private static final java.util.List<String> TEXT_FIELDS =
      java.util.List.of(
          "eventId", "occurredAt", "studentId", "courseId", "role", "name", "email",
          "courseStart", "courseEnd", "reason", "device", "userAgent", "assignmentId", "dueAt",
          "assetKind", "assetId", "kind");

  /** Fields the schema types as whole numbers. */
  private static final java.util.List<String> INTEGER_FIELDS = java.util.List.of("clicks");

  /** Fields the schema types as numbers. */
  private static final java.util.List<String> NUMBER_FIELDS =
      java.util.List.of("pointsPossible", "weight", "score");

  /** Fields the schema types as booleans. */
  private static final java.util.List<String> BOOLEAN_FIELDS = java.util.List.of("late");

  private static void requireType(
      JsonNode tree,
      java.util.List<String> fields,
      java.util.function.Predicate<JsonNode> typed,
      String what) {
    for (String field : fields) {
      JsonNode v = tree.get(field);
      if (v != null && !v.isNull() && !typed.test(v)) {
        throw new MalformedEventException(
            MalformedEventException.Reason.WRONG_TYPE, field + " is not " + what);
      }
    }
  }

  /**
   * Decodes and validates one event read from {@code stream}, refusing a valid event of a type that
   * stream does not carry (an {@code enrollment_created} in {@code 02-Login}).
   *
   * @throws MalformedEventException with the reason when the bytes are not a valid event of it
   */
  public static LmsEvent decodeFrom(String stream, byte[] bytes) {
    LmsEvent event = decode(bytes);
    if (!event.stream().equals(stream)) {
      throw new MalformedEventException(
          MalformedEventException.Reason.WRONG_STREAM,
          event.type() + " belongs in " + event.stream() + ", not " + stream);
    }
    return event;
  }

  /** The event as compact UTF-8 JSON. */
  public static byte[] encode(LmsEvent event) {
    try {
      return MAPPER.writeValueAsBytes(event);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Decodes and validates one event.
   *
   * @throws MalformedEventException with the reason when the bytes are not a valid event
   */
  public static LmsEvent decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new MalformedEventException(MalformedEventException.Reason.EMPTY, "empty message");
    }
    if (bytes.length > MAX_EVENT_BYTES) {
      throw new MalformedEventException(
          MalformedEventException.Reason.TOO_LARGE,
          bytes.length + " bytes, limit " + MAX_EVENT_BYTES);
    }
    LmsEvent fast = STREAMING.decode(bytes);
    if (fast != null) {
      validate(fast);
      return fast;
    }
    return decodeWithTree(bytes);
  }

  /**
   * The data-binding path: decides every event the streaming path declines, so refusals keep
   * their reasons and messages.
   */
  static LmsEvent decodeWithTree(byte[] bytes) {
    JsonNode tree;
    try {
      tree = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new MalformedEventException(MalformedEventException.Reason.NOT_JSON, firstLine(e));
    }
    if (tree == null || !tree.isObject()) {
      throw new MalformedEventException(
          MalformedEventException.Reason.NOT_JSON, "not a JSON object");
    }
    JsonNode version = tree.get("schemaVersion");
    if (version == null || version.isNull()) {
      throw new MalformedEventException(
          MalformedEventException.Reason.MISSING_FIELD, "schemaVersion");
    }
    if (!version.isIntegralNumber()) {
      throw new MalformedEventException(
          MalformedEventException.Reason.WRONG_TYPE, "schemaVersion is not an integer");
    }
    if (version.asInt() != LmsEvent.SCHEMA_VERSION) {
      throw new MalformedEventException(
          MalformedEventException.Reason.UNSUPPORTED_SCHEMA_VERSION,
          "schemaVersion " + version.asText() + ", this version reads " + LmsEvent.SCHEMA_VERSION);
    }
    JsonNode type = tree.get("type");
    if (type == null || !type.isTextual()) {
      throw new MalformedEventException(MalformedEventException.Reason.MISSING_FIELD, "type");
    }
    // Data binding would coerce what the schema types otherwise (42 into "42", a number into an
    // epoch instant, "3" or 1.9 into 3 clicks, 1 into true): the streaming path declines these, so
    // both refuse alike instead of storing a value the sender never sent.
    requireType(tree, TEXT_FIELDS, JsonNode::isTextual, "a string");
    requireType(tree, INTEGER_FIELDS, JsonNode::isIntegralNumber, "a whole number");
    requireType(tree, NUMBER_FIELDS, JsonNode::isNumber, "a number");
    requireType(tree, BOOLEAN_FIELDS, JsonNode::isBoolean, "true or false");
    LmsEvent event;
    try {
      event = MAPPER.treeToValue(tree, LmsEvent.class);
    } catch (InvalidTypeIdException e) {
      throw new MalformedEventException(
          MalformedEventException.Reason.UNKNOWN_TYPE, "type '" + type.asText() + "'");
    } catch (MismatchedInputException e) {
      if (e.getCause() instanceof DateTimeParseException) {
        throw new MalformedEventException(MalformedEventException.Reason.BAD_TIMESTAMP, path(e));
      }
      String message = String.valueOf(e.getOriginalMessage());
      if (message.startsWith("Missing required creator property")
          || message.startsWith("Cannot map `null`")) {
        throw new MalformedEventException(MalformedEventException.Reason.MISSING_FIELD, path(e));
      }
      throw new MalformedEventException(MalformedEventException.Reason.WRONG_TYPE, path(e));
    } catch (IOException e) {
      if (e.getCause() instanceof DateTimeParseException) {
        throw new MalformedEventException(MalformedEventException.Reason.BAD_TIMESTAMP, firstLine(e));
      }
      throw new MalformedEventException(MalformedEventException.Reason.WRONG_TYPE, firstLine(e));
    }
    validate(event);
    return event;
  }

  private static void validate(LmsEvent event) {
    requireText("eventId", event.eventId());
    requireTime("occurredAt", event.occurredAt());
    if (event instanceof EnrollmentCreated e) {
      requireText("studentId", e.studentId());
      requireText("courseId", e.courseId());
      requireTime("courseStart", e.courseStart());
      requireTime("courseEnd", e.courseEnd());
    } else if (event instanceof EnrollmentDropped e) {
      requireText("studentId", e.studentId());
      requireText("courseId", e.courseId());
    } else if (event instanceof LoggedIn e) {
      requireText("studentId", e.studentId());
    } else if (event instanceof LoggedOut e) {
      requireText("studentId", e.studentId());
    } else if (event instanceof AssignmentCreated e) {
      requireText("courseId", e.courseId());
      requireText("assignmentId", e.assignmentId());
      requireTime("dueAt", e.dueAt());
      requireNonNegative("pointsPossible", e.pointsPossible());
      requireNonNegative("weight", e.weight());
    } else if (event instanceof SubmissionCreated e) {
      requireText("studentId", e.studentId());
      requireText("courseId", e.courseId());
      requireText("assignmentId", e.assignmentId());
      requireNonNegative("score", e.score());
    } else if (event instanceof AssetAccessed e) {
      requireText("studentId", e.studentId());
      requireText("courseId", e.courseId());
      if (e.clicks() != null && e.clicks() < 1) {
        throw new MalformedEventException(
            MalformedEventException.Reason.WRONG_TYPE, "clicks " + e.clicks() + " is not positive");
      }
    }
  }

  private static void requireText(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new MalformedEventException(MalformedEventException.Reason.MISSING_FIELD, field);
    }
  }

  /** An optional number: absent, or finite and not negative. */
  private static void requireNonNegative(String field, Double value) {
    if (value != null && (value.isNaN() || value.isInfinite() || value < 0)) {
      throw new MalformedEventException(
          MalformedEventException.Reason.WRONG_TYPE, field + " " + value + " is not a number >= 0");
    }
  }

  private static void requireTime(String field, Instant value) {
    if (value == null) {
      throw new MalformedEventException(MalformedEventException.Reason.MISSING_FIELD, field);
    }
    if (value.isBefore(EARLIEST) || !value.isBefore(LATEST)) {
      throw new MalformedEventException(
          MalformedEventException.Reason.BAD_TIMESTAMP, field + " " + value + " out of range");
    }
  }

  private static String path(MismatchedInputException e) {
    List<com.fasterxml.jackson.databind.JsonMappingException.Reference> path = e.getPath();
    if (path.isEmpty()) {
      return firstLine(e);
    }
    String field = path.get(path.size() - 1).getFieldName();
    return field == null ? firstLine(e) : field;
  }

  private static String firstLine(Exception e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
