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

  /**
   * Four decimals, half-up, trailing zeros kept off: the text never depends on the JVM. The text is
   * that of {@code BigDecimal.valueOf(v).setScale(4, HALF_UP).stripTrailingZeros()}, exponent
   * form included ({@code 10} is {@code 1E+1}), which the records have always carried.
   */
  static String decimal(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      throw new IllegalArgumentException("not a finite number: " + v);
    }
    // BigDecimal.valueOf rounds Double.toString's digits. Below 1e5, v * 10^4 is within 1e-6 of
    // those digits times 10^4, so away from a tie both round to the same integer, and the
    // BigDecimal arithmetic (a large share of the cost of a record) is needed only near one.
    double x = Math.abs(v) * 10_000;
    if (x < 1e9) {
      double whole = Math.floor(x);
      double fraction = x - whole;
      if (Math.abs(fraction - 0.5) > 1e-4) {
        long units = (long) whole + (fraction > 0.5 ? 1 : 0);
        return text(v < 0 ? -units : units);
      }
    }
    return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toString();
  }

  /** {@code BigDecimal.valueOf(units, 4).stripTrailingZeros().toString()}, without the objects. */
  private static String text(long units) {
    if (units == 0) {
      return "0";
    }
    int scale = 4;
    while (units % 10 == 0) {
      units /= 10;
      scale--;
    }
    String digits = Long.toString(Math.abs(units));
    int n = digits.length();
    StringBuilder b = new StringBuilder(n + 8);
    if (units < 0) {
      b.append('-');
    }
    if (scale == 0) {
      b.append(digits);
    } else if (scale > 0 && n > scale) {
      b.append(digits, 0, n - scale).append('.').append(digits, n - scale, n);
    } else if (scale > 0) {
      b.append("0.");
      for (int i = n; i < scale; i++) {
        b.append('0');
      }
      b.append(digits);
    } else {
      // a negative scale: the first digit, the others after a point, and the exponent
      b.append(digits.charAt(0));
      if (n > 1) {
        b.append('.').append(digits, 1, n);
      }
      b.append("E+").append(n - 1 - scale);
    }
    return b.toString();
  }
}
