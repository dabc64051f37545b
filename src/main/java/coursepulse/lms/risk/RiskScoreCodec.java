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
    Writer w = WRITER.get();
    try {
      return w.write(r);
    } catch (IOException | RuntimeException e) {
      WRITER.remove(); // its generator may be half-way through an object
      if (e instanceof IOException) {
        throw new UncheckedIOException((IOException) e);
      }
      throw (RuntimeException) e;
    }
  }

  /**
   * A generator kept per thread, writing one record after another into a buffer that is emptied
   * after each: making a generator per record was a fifth of the encoding (session 39).
   */
  private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);

  private static final class Writer {
    // About 850 bytes with the built-in model's features.
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private final char[] digits = new char[DECIMAL_CHARS];
    private final JsonGenerator g;

    Writer() {
      try {
        g = FACTORY.createGenerator(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      g.setRootValueSeparator(null); // records are written one at a time, not as a sequence
    }

    byte[] write(RiskScore r) throws IOException {
      g.writeStartObject();
      g.writeStringField("type", TYPE);
      g.writeStringField("studentId", r.studentId());
      g.writeStringField("courseId", r.courseId());
      g.writeStringField("at", r.at().toString());
      g.writeFieldName("score");
      g.writeNumber(digits, 0, decimal(r.score(), digits));
      g.writeArrayFieldStart("factors");
      for (String f : r.factors()) {
        g.writeString(f);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("features");
      Features.forEach(
          r.features(),
          (name, value) -> {
            g.writeFieldName(name);
            g.writeNumber(digits, 0, decimal(value, digits));
          });
      g.writeEndObject();
      g.writeStringField("modelVersion", r.modelVersion());
      g.writeEndObject();
      g.flush();
      byte[] record = out.toByteArray();
      out.reset();
      return record;
    }
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

  /** Room for any {@link #decimal} text: a long's 19 digits, sign, point and exponent. */
  private static final int DECIMAL_CHARS = 40;

  /**
   * Four decimals, half-up, trailing zeros kept off: the text never depends on the JVM. The text is
   * that of {@code BigDecimal.valueOf(v).setScale(4, HALF_UP).stripTrailingZeros()}, exponent
   * form included ({@code 10} is {@code 1E+1}), which the records have always carried.
   */
  static String decimal(double v) {
    char[] out = new char[DECIMAL_CHARS];
    return new String(out, 0, decimal(v, out));
  }

  /**
   * {@link #decimal(double)} written into {@code out} from its start, without a string: a 05-Risk
   * record carries about 30 of them, and their strings were a third of its encoding.
   *
   * @return the number of characters written
   */
  private static int decimal(double v, char[] out) {
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
        return text(v < 0 ? -units : units, out);
      }
    }
    String slow = BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toString();
    slow.getChars(0, slow.length(), out, 0);
    return slow.length();
  }

  /**
   * {@code BigDecimal.valueOf(units, 4).stripTrailingZeros().toString()} written into {@code out},
   * without the objects.
   */
  private static int text(long units, char[] out) {
    if (units == 0) {
      out[0] = '0';
      return 1;
    }
    int scale = 4;
    while (units % 10 == 0) {
      units /= 10;
      scale--;
    }
    // The digits of |units|, right-aligned at the end of out, then moved into place.
    long rest = Math.abs(units);
    int end = out.length;
    int start = end;
    do {
      out[--start] = (char) ('0' + rest % 10);
      rest /= 10;
    } while (rest != 0);
    int n = end - start;
    int w = 0;
    if (units < 0) {
      out[w++] = '-';
    }
    if (scale == 0) {
      w = copy(out, start, n, w);
    } else if (scale > 0 && n > scale) {
      w = copy(out, start, n - scale, w);
      out[w++] = '.';
      w = copy(out, start + n - scale, scale, w);
    } else if (scale > 0) {
      out[w++] = '0';
      out[w++] = '.';
      for (int i = n; i < scale; i++) {
        out[w++] = '0';
      }
      w = copy(out, start, n, w);
    } else {
      // a negative scale: the first digit, the others after a point, and the exponent
      char first = out[start];
      out[w++] = first;
      if (n > 1) {
        out[w++] = '.';
        w = copy(out, start + 1, n - 1, w);
      }
      out[w++] = 'E';
      out[w++] = '+';
      String exponent = Integer.toString(n - 1 - scale);
      exponent.getChars(0, exponent.length(), out, w);
      w += exponent.length();
    }
    return w;
  }

  /** Moves {@code n} chars from {@code from} to {@code to}; the digits sit after anything written. */
  private static int copy(char[] out, int from, int n, int to) {
    System.arraycopy(out, from, out, to, n);
    return to + n;
  }
}
