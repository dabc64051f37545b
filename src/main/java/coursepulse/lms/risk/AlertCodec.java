package coursepulse.lms.risk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.Serde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JSON form of {@link Alert} in {@code 04-Alerts}: compact UTF-8, fields always in the order
 * {@code type, alertId, rule, severity, studentId, courseId, openedAt, resolvedAt, evidence,
 * score, factors, rulesVersion, applicationId, rulesHash} ({@code score} and {@code factors} only
 * when the alert has a score or factors, {@code applicationId} and {@code rulesHash} only when
 * stamped, {@code resolvedAt} only on resolutions, {@code courseId} written as null for
 * student-level rules), times as ISO-8601 UTC. Equal alerts give equal bytes. Thread-safe.
 */
public final class AlertCodec {

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          // keep 7.00 as written: evidence decimals round-trip to equal values
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false);
  private static final Serde<Alert> SERDE =
      new Serde<>() {
        @Override
        public byte[] serialize(Alert value) {
          return encode(value);
        }

        @Override
        public Alert deserialize(byte[] bytes) {
          return decode(bytes);
        }
      };

  private AlertCodec() {}

  /** A serde over {@link #encode} and {@link #decode}. */
  public static Serde<Alert> serde() {
    return SERDE;
  }

  /** The alert as compact JSON. */
  public static byte[] encode(Alert alert) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", alert.type().code());
      g.writeStringField("alertId", alert.alertId());
      g.writeStringField("rule", alert.rule().name());
      g.writeStringField("severity", alert.severity().code());
      g.writeStringField("studentId", alert.studentId());
      if (alert.courseId() == null) {
        g.writeNullField("courseId");
      } else {
        g.writeStringField("courseId", alert.courseId());
      }
      g.writeStringField("openedAt", alert.openedAt().toString());
      if (alert.resolvedAt() != null) {
        g.writeStringField("resolvedAt", alert.resolvedAt().toString());
      }
      g.writeObjectFieldStart("evidence");
      for (Map.Entry<String, Object> e : alert.evidence().entrySet()) {
        Object v = e.getValue();
        if (v instanceof Long l) {
          g.writeNumberField(e.getKey(), l);
        } else if (v instanceof Integer i) {
          g.writeNumberField(e.getKey(), i);
        } else if (v instanceof BigDecimal d) {
          g.writeFieldName(e.getKey());
          g.writeNumber(d.toPlainString());
        } else if (v == null) {
          g.writeNullField(e.getKey());
        } else {
          g.writeStringField(e.getKey(), v.toString());
        }
      }
      g.writeEndObject();
      if (alert.score() != null) {
        g.writeFieldName("score");
        g.writeNumber(
            BigDecimal.valueOf(alert.score()).setScale(4, java.math.RoundingMode.HALF_UP).toPlainString());
      }
      if (alert.score() != null || !alert.factors().isEmpty()) {
        g.writeArrayFieldStart("factors");
        for (String f : alert.factors()) {
          g.writeString(f);
        }
        g.writeEndArray();
      }
      g.writeStringField("rulesVersion", alert.rulesVersion());
      if (alert.applicationId() != null) {
        g.writeStringField("applicationId", alert.applicationId());
      }
      if (alert.rulesHash() != null) {
        g.writeStringField("rulesHash", alert.rulesHash());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes one alert record.
   *
   * @throws IllegalArgumentException when the bytes are not an alert record
   */
  public static Alert decode(byte[] bytes) {
    JsonNode n;
    try {
      n = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    try {
      Map<String, Object> evidence = new LinkedHashMap<>();
      JsonNode ev = n.get("evidence");
      if (ev != null && ev.isObject()) {
        for (Map.Entry<String, JsonNode> f : ev.properties()) {
          JsonNode v = f.getValue();
          if (v.isIntegralNumber()) {
            evidence.put(f.getKey(), v.asLong());
          } else if (v.isNumber()) {
            evidence.put(f.getKey(), v.decimalValue());
          } else if (v.isNull()) {
            evidence.put(f.getKey(), null);
          } else {
            evidence.put(f.getKey(), v.asText());
          }
        }
      }
      return new Alert(
          Alert.Type.ofCode(text(n, "type")),
          text(n, "alertId"),
          Rule.valueOf(text(n, "rule")),
          Severity.ofCode(text(n, "severity")),
          text(n, "studentId"),
          optionalText(n, "courseId"),
          Instant.parse(text(n, "openedAt")),
          optionalText(n, "resolvedAt") == null ? null : Instant.parse(text(n, "resolvedAt")),
          evidence,
          text(n, "rulesVersion"),
          n.hasNonNull("score") ? n.get("score").asDouble() : null,
          factors(n),
          optionalText(n, "applicationId"),
          optionalText(n, "rulesHash"));
    } catch (DateTimeParseException | NullPointerException e) {
      throw new IllegalArgumentException("invalid alert record: " + e.getMessage(), e);
    }
  }

  private static java.util.List<String> factors(JsonNode n) {
    java.util.List<String> out = new java.util.ArrayList<>();
    n.path("factors").forEach(f -> out.add(f.asText()));
    return out;
  }

  /**
   * Decodes {@code records} in order, keeping each record once by {@link Alert#recordKey()} (a
   * reset followed by a re-run writes the same records again) and only those that {@link
   * Alert#matches} {@code applicationId} and {@code rulesHash} (null: any).
   *
   * @throws IllegalArgumentException when a record is not an alert record
   */
  public static java.util.List<Alert> decodeDistinct(
      Iterable<byte[]> records, String applicationId, String rulesHash) {
    java.util.List<Alert> out = new java.util.ArrayList<>();
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (byte[] r : records) {
      Alert a = decode(r);
      if (a.matches(applicationId, rulesHash) && seen.add(a.recordKey())) {
        out.add(a);
      }
    }
    return out;
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing or non-text field '" + field + "'");
    }
    return v.asText();
  }

  private static String optionalText(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : text(n, field);
  }
}
