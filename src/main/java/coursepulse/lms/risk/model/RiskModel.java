package coursepulse.lms.risk.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * STAND-IN for the {@code risk-model} branch's model (replaced at merge): a logistic model over
 * named features, read from JSON {@code {"version": "...", "intercept": x, "coefficients":
 * {"feature": c, ...}}}. Only the agreed interface is relied upon by the alerting code.
 */
public final class RiskModel {
  private final String version;
  private final double intercept;
  private final Map<String, Double> coefficients;

  private RiskModel(String version, double intercept, Map<String, Double> coefficients) {
    this.version = Objects.requireNonNull(version, "version");
    this.intercept = intercept;
    this.coefficients = Map.copyOf(coefficients);
    this.names = List.copyOf(coefficients.keySet());
  }

  private final List<String> names;

  /**
   * The built-in model: hand-set signs and rough sizes (NOT fitted, NOT tuned on any data); a
   * placeholder until {@code train} writes a model from history.
   */
  public static RiskModel builtIn() {
    Map<String, Double> c = new LinkedHashMap<>();
    c.put("activeDays28Pct", -1.5);
    c.put("activeDays7Pct", -0.5);
    c.put("daysSinceActivePct", 1.0);
    c.put("clicks14Pct", -0.5);
    c.put("submittedPct", -1.0);
    c.put("missedShare", 2.0);
    c.put("scoreVsClass", -0.5);
    return new RiskModel("builtin-0", 0.0, c);
  }

  /**
   * Reads a model file.
   *
   * @throws IOException when the file cannot be read
   * @throws IllegalArgumentException naming what is wrong when it is not a model file
   */
  public static RiskModel load(Path file) throws IOException {
    JsonNode n;
    try {
      n = new ObjectMapper().readTree(Files.readAllBytes(file));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          file + ": not a JSON model file (" + e.getOriginalMessage() + ")", e);
    }
    if (n == null || !n.path("coefficients").isObject()) {
      throw new IllegalArgumentException(file + ": a model file needs an object 'coefficients'");
    }
    Map<String, Double> c = new LinkedHashMap<>();
    n.path("coefficients").properties().forEach(e -> c.put(e.getKey(), e.getValue().asDouble()));
    return new RiskModel(
        n.path("version").asText("model"), n.path("intercept").asDouble(0), c);
  }

  /** The features the model reads, in its order. */
  public List<String> featureNames() {
    return names;
  }

  /** The risk in [0, 1]; features the model does not know are ignored, missing ones count 0. */
  public double score(Map<String, Double> features) {
    double z = intercept;
    for (String f : names) {
      z += coefficients.get(f) * features.getOrDefault(f, 0.0);
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** Each feature's share of the log-odds, most risk-increasing first (ties by name). */
  public List<Contribution> contributions(Map<String, Double> features) {
    List<Contribution> out = new ArrayList<>(names.size());
    for (String f : names) {
      double v = features.getOrDefault(f, 0.0);
      out.add(new Contribution(f, v, coefficients.get(f) * v));
    }
    out.sort(
        Comparator.comparingDouble(Contribution::contribution)
            .reversed()
            .thenComparing(Contribution::feature));
    return out;
  }

  /** Name and version of the model, written into every score. */
  public String version() {
    return version;
  }
}
