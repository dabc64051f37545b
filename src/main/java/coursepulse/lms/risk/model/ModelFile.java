package coursepulse.lms.risk.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The content of a model file (format {@value #FORMAT}): what {@link ModelTrainer} produces, what
 * {@link ModelFileCodec} writes and reads, and what {@link RiskModel} scores with. Training
 * provenance and held-out metrics are absent ({@code null}) in a hand-set model.
 *
 * @param name a short name, part of {@link RiskModel#version()}
 * @param description free text (e.g. that a model is a placeholder); may be {@code null}
 * @param features the features in scoring order
 * @param intercept the log-odds of a student whose every feature is at its training mean
 * @param c liblinear's cost C (larger = weaker L2 regularisation); {@code null} if hand-set
 * @param training what the model was trained on; {@code null} if hand-set
 * @param heldOut metrics on the held-out students; {@code null} if hand-set
 * @param trainedWith library and solver that fitted it; {@code null} if hand-set
 */
public record ModelFile(
    String name,
    String description,
    List<Feature> features,
    double intercept,
    Double c,
    Training training,
    HeldOut heldOut,
    String trainedWith) {

  /** The format version this build writes and reads. */
  public static final int FORMAT = 1;

  /**
   * The largest magnitude a fitted coefficient or intercept may have, in log-odds. A logit beyond
   * about 37 already scores exactly 0 or 1 in double precision, so a coefficient of 100 per standard
   * deviation turns a move of a third of a standard deviation into a certain outcome: no
   * regularised fit on student data comes near it (the built-in model's largest is below 1.5), and
   * a file that holds one was edited or came from a diverged fit, and would make every score 0 or 1.
   */
  public static final double MAX_WEIGHT = 100;

  public ModelFile {
    Objects.requireNonNull(name, "name");
    features = List.copyOf(features);
    weight("intercept", intercept);
  }

  /** Refuses a weight that no fitted model has ({@link #MAX_WEIGHT}). */
  private static void weight(String what, double value) {
    if (!(Math.abs(value) <= MAX_WEIGHT)) {
      throw new IllegalArgumentException(
          what
              + " is "
              + value
              + ", outside the ±"
              + (int) MAX_WEIGHT
              + " log-odds a fitted model stays within (every score would be 0 or 1); retrain"
              + " with 'coursepulse train', with a smaller --c if the fit diverged");
    }
  }

  /**
   * One feature.
   *
   * @param name as in {@code RiskScore.features()}
   * @param transform applied to the raw value before standardising
   * @param mean training mean of the transformed value (a missing value scores as this)
   * @param std training standard deviation of the transformed value, &gt; 0
   * @param coefficient log-odds per standard deviation
   */
  public record Feature(
      String name, Transform transform, double mean, double std, double coefficient) {
    public Feature {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(transform, "transform");
      if (!Double.isFinite(mean)) {
        throw new IllegalArgumentException("feature '" + name + "': mean is " + mean);
      }
      if (!(std > 0 && Double.isFinite(std))) {
        throw new IllegalArgumentException(
            "feature '" + name + "': 'std' must be a finite number > 0, is " + std);
      }
      weight("feature '" + name + "': coefficient", coefficient);
    }
  }

  /**
   * The rows a model was fitted on (training and held-out together).
   *
   * @param from event time of the earliest row
   * @param to event time of the latest row
   * @param courses the courses (presentations) with rows, sorted
   * @param rows student-course-week rows
   * @param pairs distinct student-course pairs
   * @param positiveRate share of rows labelled at risk
   * @param heldOutShare share of students held out for the metrics
   */
  public record Training(
      Instant from,
      Instant to,
      List<String> courses,
      long rows,
      long pairs,
      double positiveRate,
      double heldOutShare) {
    public Training {
      courses = List.copyOf(courses);
    }
  }

  /**
   * Quality on held-out students (never seen by the fit).
   *
   * @param n rows
   * @param pairs distinct student-course pairs
   * @param positiveRate share of rows labelled at risk
   * @param auc ROC AUC over all rows; {@code null} when one class is absent
   * @param aucByWeek ROC AUC of the rows at the end of course week k (course day 7k), for the weeks
   *     reported; a week maps to {@code null} when it lacks one class
   * @param logLoss mean negative log-likelihood
   */
  public record HeldOut(
      long n,
      long pairs,
      double positiveRate,
      Double auc,
      SortedMap<Integer, Double> aucByWeek,
      double logLoss) {
    public HeldOut {
      aucByWeek = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(aucByWeek));
    }

    /** The weeks whose AUC a trained model reports. */
    public static final List<Integer> WEEKS = List.of(2, 4, 8, 12);
  }
}
