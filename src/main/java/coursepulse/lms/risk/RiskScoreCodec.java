package coursepulse.lms.risk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.Serde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of {@link RiskScore} in {@code 05-Risk}: compact UTF-8, fields in the order {@code
 * type ("risk_score"), studentId, courseId, at, score, factors, features, modelVersion}; the score
 * with four decimals and feature values with four significant decimals (half-up), so the same
 * state always gives the same bytes. Thread-safe.
 */
public final class RiskScoreCodec {

  /** The {@code type} of every record. */
  public static final String TYPE = "risk_score";

  private static final JsonFactory FACTORY = new JsonFactory();
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Serde<RiskScore> SERDE =
      new Serde<>() {
        @Override
        public byte[] serialize(RiskScore value) {
          return encode(value);
        }

        @Override
        public RiskScore deserialize(byte[] bytes) {
          return decode(bytes);
        }
      };

  private RiskScoreCodec() {}

  /** A serde over {@link #encode} and {@link #decode}. */
  public static Serde<RiskScore> serde() {
    return SERDE;
  }

  /** The record as compact JSON. */
  public static byte[] encode(RiskScore r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("type", TYPE);
      g.writeStringField("studentId", r.studentId());
      g.writeStringField("courseId", r.courseId());
      g.writeStringField("at", r.at().toString());
      g.writeFieldName("score");
      g.writeNumber(decimal(r.score()));
      g.writeArrayFieldStart("factors");
      for (String f : r.factors()) {
        g.writeString(f);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("features");
      for (Map.Entry<String, Double> e : r.features().entrySet()) {
        g.writeFieldName(e.getKey());
        g.writeNumber(decimal(e.getValue()));
      }
      g.writeEndObject();
      g.writeStringField("modelVersion", r.modelVersion());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes one record.
   *
   * @throws IllegalArgumentException when the bytes are not a risk-score record
   */
  public static RiskScore decode(byte[] bytes) {
    JsonNode n;
    try {
      n = MAPPER.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
    if (n == null || !n.isObject() || !TYPE.equals(n.path("type").asText())) {
      throw new IllegalArgumentException("not a " + TYPE + " record");
    }
    try {
      List<String> factors = new ArrayList<>();
      n.path("factors").forEach(f -> factors.add(f.asText()));
      Map<String, Double> features = new LinkedHashMap<>();
      n.path("features").properties().forEach(e -> features.put(e.getKey(), e.getValue().asDouble()));
      return new RiskScore(
          text(n, "studentId"),
          text(n, "courseId"),
          Instant.parse(text(n, "at")),
          n.path("score").asDouble(Double.NaN),
          factors,
          features,
          text(n, "modelVersion"));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("malformed " + TYPE + " record: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing " + field);
    }
    return v.asText();
  }

  /** Four decimals, half-up, trailing zeros kept off: the text never depends on the JVM. */
  private static BigDecimal decimal(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("not a finite number: " + v);
    }
    return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros();
  }
}
