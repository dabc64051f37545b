package coursepulse.lms.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.MalformedEventException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** Field access shared by the mappers: lenient where sources differ, strict where it matters. */
final class Fields {

  /** Canvas writes some times as {@code 2019-10-05 05:38:00 -0800}. */
  private static final DateTimeFormatter CANVAS_SPACED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS] xx");

  private Fields() {}

  /** Refusal of one source event, caught by the mapper's loop. */
  static final class Refused extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final RejectReason reason;

    Refused(RejectReason reason, String detail) {
      super(detail, null, false, false);
      this.reason = reason;
    }
  }

  /** An id or string: a JSON string, or a number (some sensors send numeric ids); else null. */
  static String text(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.asText().isBlank() ? null : v.asText();
    }
    if (v.isIntegralNumber()) {
      return v.asText();
    }
    throw new Refused(RejectReason.WRONG_TYPE, field + " is not a string");
  }

  static String requireText(JsonNode node, String field, String path) {
    String v = text(node, field);
    if (v == null) {
      throw new Refused(RejectReason.MISSING_FIELD, path);
    }
    return v;
  }

  /**
   * The id of a JSON-LD reference: Caliper allows an entity as its IRI string or as an object with
   * {@code id} (1.1+) or {@code @id} (1.0 style, still sent by some sensors).
   */
  static String entityId(JsonNode node, String field) {
    JsonNode v = node == null ? null : node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isTextual()) {
      return v.asText().isBlank() ? null : v.asText();
    }
    if (v.isObject()) {
      String id = text(v, "id");
      return id != null ? id : text(v, "@id");
    }
    throw new Refused(RejectReason.WRONG_TYPE, field + " is neither an IRI nor an entity");
  }

  /** A number, or null when absent or JSON null; anything else is {@code wrong_type}. */
  static Double number(JsonNode node, String field, String path) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isNumber()) {
      throw new Refused(RejectReason.WRONG_TYPE, path + " is not a number");
    }
    return v.asDouble();
  }

  /** An ISO-8601 time with offset, or null when absent. */
  static Instant instant(JsonNode node, String field, String path) {
    String s = text(node, field);
    if (s == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      try {
        return OffsetDateTime.parse(s, CANVAS_SPACED).toInstant();
      } catch (DateTimeParseException e2) {
        throw new Refused(RejectReason.BAD_TIMESTAMP, path + " '" + abbreviate(s) + "'");
      }
    }
  }

  static Instant requireInstant(JsonNode node, String field, String path) {
    Instant t = instant(node, field, path);
    if (t == null) {
      throw new Refused(RejectReason.MISSING_FIELD, path);
    }
    return t;
  }

  /**
   * Runs the schema's own validation on a mapped event, so ingest never appends what the
   * alerting application would refuse.
   */
  static LmsEvent validated(LmsEvent event) {
    try {
      return EventCodec.decode(EventCodec.encode(event));
    } catch (MalformedEventException e) {
      throw new Refused(RejectReason.of(e.reason()), e.getMessage());
    }
  }

  /** Keeps details short: they go into responses and dead letters, never into logs. */
  static String abbreviate(String s) {
    return s.length() <= 64 ? s : s.substring(0, 61) + "...";
  }
}
