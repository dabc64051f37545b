package coursepulse.lms.risk.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The JSON form of a {@link ModelFile}: two-space indented, {@code \n} line ends, fields in a fixed
 * order, parameters with 8 significant digits and metrics with 4 decimals (both from the exact
 * binary value, half-even), so the same model always gives the same bytes on any JVM. Reading
 * checks every field and names the first problem. Thread-safe.
 */
public final class ModelFileCodec {

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN).build();
  // A repeated key would otherwise silently keep its last value: a hand-edit gone wrong.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final MathContext PARAMETER = new MathContext(8, RoundingMode.HALF_EVEN);

  private ModelFileCodec() {}

  /**
   * A parameter as it will be stored: 8 significant digits. {@link ModelTrainer} rounds with this
   * so the model it returns scores exactly like the file it writes.
   */
  static double parameter(double v) {
    return parameterDecimal(v).doubleValue();
  }

  /** The model file's bytes. */
  public static byte[] write(ModelFile m) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.setPrettyPrinter(
          new DefaultPrettyPrinter().withObjectIndenter(indenter).withArrayIndenter(indenter));
      g.writeStartObject();
      g.writeNumberField("format", ModelFile.FORMAT);
      g.writeStringField("name", m.name());
      if (m.description() != null) {
        g.writeStringField("description", m.description());
      }
      g.writeArrayFieldStart("features");
      for (ModelFile.Feature f : m.features()) {
        g.writeStartObject();
        g.writeStringField("name", f.name());
        g.writeStringField("transform", f.transform().label());
        g.writeFieldName("mean");
        g.writeNumber(parameterDecimal(f.mean()));
        g.writeFieldName("std");
        g.writeNumber(parameterDecimal(f.std()));
        g.writeFieldName("coefficient");
        g.writeNumber(parameterDecimal(f.coefficient()));
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeFieldName("intercept");
      g.writeNumber(parameterDecimal(m.intercept()));
      if (m.c() != null) {
        g.writeFieldName("c");
        g.writeNumber(parameterDecimal(m.c()));
      }
      if (m.training() != null) {
        writeTraining(g, m.training());
      }
      if (m.heldOut() != null) {
        writeHeldOut(g, m.heldOut());
      }
      if (m.trainedWith() != null) {
        g.writeStringField("trainedWith", m.trainedWith());
      }
      g.writeEndObject();
      g.writeRaw('\n');
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void writeTraining(JsonGenerator g, ModelFile.Training t) throws IOException {
    g.writeObjectFieldStart("training");
    g.writeStringField("from", t.from().toString());
    g.writeStringField("to", t.to().toString());
    g.writeArrayFieldStart("courses");
    for (String c : t.courses()) {
      g.writeString(c);
    }
    g.writeEndArray();
    g.writeNumberField("rows", t.rows());
    g.writeNumberField("pairs", t.pairs());
    g.writeFieldName("positiveRate");
    g.writeNumber(metric(t.positiveRate()));
    g.writeFieldName("heldOutShare");
    g.writeNumber(metric(t.heldOutShare()));
    g.writeEndObject();
  }

  private static void writeHeldOut(JsonGenerator g, ModelFile.HeldOut h) throws IOException {
    g.writeObjectFieldStart("heldOut");
    g.writeNumberField("n", h.n());
    g.writeNumberField("pairs", h.pairs());
    g.writeFieldName("positiveRate");
    g.writeNumber(metric(h.positiveRate()));
    g.writeFieldName("auc");
    writeNullableMetric(g, h.auc());
    g.writeObjectFieldStart("aucByWeek");
    for (Map.Entry<Integer, Double> e : h.aucByWeek().entrySet()) {
      g.writeFieldName(Integer.toString(e.getKey()));
      writeNullableMetric(g, e.getValue());
    }
    g.writeEndObject();
    g.writeFieldName("logLoss");
    g.writeNumber(metric(h.logLoss()));
    g.writeEndObject();
  }

  private static void writeNullableMetric(JsonGenerator g, Double v) throws IOException {
    if (v == null) {
      g.writeNull();
    } else {
      g.writeNumber(metric(v));
    }
  }

  private static BigDecimal parameterDecimal(double v) {
    finite(v);
    return v == 0 ? BigDecimal.ZERO : plain(new BigDecimal(v).round(PARAMETER));
  }

  private static BigDecimal metric(double v) {
    finite(v);
    return plain(new BigDecimal(v).setScale(4, RoundingMode.HALF_EVEN));
  }

  /** Trailing zeros off; written without an exponent (WRITE_BIGDECIMAL_AS_PLAIN). */
  private static BigDecimal plain(BigDecimal d) {
    return d.stripTrailingZeros();
  }

  private static void finite(double v) {
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException("a model parameter is not a finite number: " + v);
    }
  }

  /**
   * Reads a model file.
   *
   * @param source names the file in error messages
   * @throws IllegalArgumentException naming {@code source} and what is wrong with it
   */
  public static ModelFile read(byte[] bytes, String source) {
    JsonNode n;
    try {
      n = MAPPER.readTree(bytes);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw new IllegalArgumentException(
          "model file "
              + source
              + " is not valid JSON"
              + (at == null
                  ? ""
                  : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")")
              + ": "
              + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      return parse(n);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("model file " + source + ": " + e.getMessage(), e);
    }
  }

  private static ModelFile parse(JsonNode n) {
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("expected a JSON object");
    }
    JsonNode format = n.get("format");
    if (format == null || !format.isInt()) {
      throw new IllegalArgumentException(
          "missing 'format' (an integer); is this a coursepulse risk model?");
    }
    if (format.asInt() != ModelFile.FORMAT) {
      throw new IllegalArgumentException(
          "format "
              + format.asInt()
              + " is not supported (this build reads format "
              + ModelFile.FORMAT
              + "); use the coursepulse version that wrote it or retrain");
    }
    JsonNode features = n.get("features");
    if (features == null || !features.isArray() || features.isEmpty()) {
      throw new IllegalArgumentException("'features' must be a non-empty array");
    }
    List<ModelFile.Feature> list = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < features.size(); i++) {
      String where = "features[" + i + "]";
      JsonNode f = features.get(i);
      if (!f.isObject()) {
        throw new IllegalArgumentException(where + " must be an object");
      }
      String name = text(f, "name", where);
      if (!names.add(name)) {
        throw new IllegalArgumentException(where + ": feature '" + name + "' appears twice");
      }
      where = where + " (" + name + ")";
      Transform transform;
      try {
        transform = Transform.parse(text(f, "transform", where));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
      double std = number(f, "std", where);
      if (!(std > 0)) {
        throw new IllegalArgumentException(where + ": 'std' must be > 0, is " + std);
      }
      list.add(
          new ModelFile.Feature(
              name, transform, number(f, "mean", where), std, number(f, "coefficient", where)));
    }
    Double c = n.has("c") ? number(n, "c", "model") : null;
    if (c != null && !(c > 0)) {
      throw new IllegalArgumentException("'c' must be > 0, is " + c);
    }
    return new ModelFile(
        text(n, "name", "model"),
        n.has("description") ? text(n, "description", "model") : null,
        list,
        number(n, "intercept", "model"),
        c,
        n.has("training") ? training(n.get("training")) : null,
        n.has("heldOut") ? heldOut(n.get("heldOut")) : null,
        n.has("trainedWith") ? text(n, "trainedWith", "model") : null);
  }

  private static ModelFile.Training training(JsonNode t) {
    String where = "training";
    List<String> courses = new ArrayList<>();
    JsonNode cs = t.get("courses");
    if (cs == null || !cs.isArray()) {
      throw new IllegalArgumentException(where + ": missing 'courses' (an array)");
    }
    cs.forEach(c -> courses.add(c.asText()));
    return new ModelFile.Training(
        instant(t, "from", where),
        instant(t, "to", where),
        courses,
        integer(t, "rows", where),
        integer(t, "pairs", where),
        number(t, "positiveRate", where),
        number(t, "heldOutShare", where));
  }

  private static ModelFile.HeldOut heldOut(JsonNode h) {
    String where = "heldOut";
    JsonNode weeks = h.get("aucByWeek");
    if (weeks == null || !weeks.isObject()) {
      throw new IllegalArgumentException(where + ": missing 'aucByWeek' (an object)");
    }
    TreeMap<Integer, Double> byWeek = new TreeMap<>();
    for (Map.Entry<String, JsonNode> e : weeks.properties()) {
      int week;
      try {
        week = Integer.parseInt(e.getKey());
      } catch (NumberFormatException ex) {
        throw new IllegalArgumentException(
            where + ".aucByWeek: '" + e.getKey() + "' is not a week");
      }
      byWeek.put(week, e.getValue().isNull() ? null : auc(weeks, e.getKey(), where + ".aucByWeek"));
    }
    return new ModelFile.HeldOut(
        integer(h, "n", where),
        integer(h, "pairs", where),
        number(h, "positiveRate", where),
        h.path("auc").isNull() ? null : auc(h, "auc", where),
        byWeek,
        number(h, "logLoss", where));
  }

  private static String text(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": missing '" + field + "' (a non-empty string)");
    }
    return v.asText();
  }

  private static double number(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw new IllegalArgumentException(where + ": missing '" + field + "' (a number)");
    }
    return v.asDouble();
  }

  /** A ROC AUC: a number in [0, 1] (asDouble would read text such as "abc" as 0). */
  private static double auc(JsonNode n, String field, String where) {
    double v = number(n, field, where);
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(where + ": '" + field + "' must be in [0, 1], is " + v);
    }
    return v;
  }

  private static long integer(JsonNode n, String field, String where) {
    JsonNode v = n.get(field);
    if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(where + ": missing '" + field + "' (an integer)");
    }
    return v.asLong();
  }

  private static Instant instant(JsonNode n, String field, String where) {
    String s = text(n, field, where);
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          where + ": '" + field + "' = '" + s + "' is not an ISO-8601 instant");
    }
  }
}
