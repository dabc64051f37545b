package coursepulse.lms.risk;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One record of the risk side output ({@code 05-Risk}): a student's risk score in a course at one
 * moment of event time, the factors behind it in plain words, and the feature values it was
 * computed from (so a model can be trained on them and an instructor can check them).
 *
 * @param studentId the student (opaque id)
 * @param courseId the course
 * @param at the event time the score describes
 * @param score the risk in [0, 1]; higher means more likely to withdraw or fail
 * @param factors the strongest reasons for the score, most important first, in plain words
 * @param features feature name to value, in the model's feature order
 * @param modelVersion the model (or rules) that scored: name and content hash
 */
public record RiskScore(
    String studentId,
    String courseId,
    Instant at,
    double score,
    List<String> factors,
    Map<String, Double> features,
    String modelVersion) implements RiskOutput {
  public RiskScore {
    Objects.requireNonNull(studentId, "studentId");
    Objects.requireNonNull(courseId, "courseId");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(modelVersion, "modelVersion");
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score " + score + " is not in [0, 1]");
    }
    factors = List.copyOf(factors == null ? List.of() : factors);
    features = Features.readOnly(features);
  }
}
