package coursepulse.lms.risk.model;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Fits a {@link RiskModel} on a {@link TrainingSet}: holds out a share of students ({@link
 * HeldOutSplit}), standardises each (transformed) feature with the training rows' mean and standard
 * deviation, fits an L2-regularised logistic regression with liblinear (primal trust-region Newton,
 * intercept not regularised), and measures ROC AUC and log-loss on the held-out students. The rows
 * arrive in the set's canonical order and liblinear's logistic-regression solver uses no random
 * numbers, so the same rows in any order give the same coefficients.
 */
public final class ModelTrainer {

  /** Stopping tolerance of the solver (liblinear's default is 0.01; tighter costs little here). */
  static final double EPSILON = 1e-6;

  /**
   * How to fit.
   *
   * @param name the model's name (in the file and its version)
   * @param c liblinear's cost: larger fits the training rows more closely (weaker L2 penalty)
   * @param transforms per feature; a feature not named here is used as it is
   * @param heldOutShare share of students held out for the metrics, in [0, 1)
   */
  public record Options(
      String name, double c, Map<String, Transform> transforms, double heldOutShare) {
    /** The default share of students held out. */
    public static final double HELD_OUT_SHARE = 0.2;

    public Options {
      Objects.requireNonNull(name, "name");
      if (!(c > 0) || !Double.isFinite(c)) {
        throw new IllegalArgumentException("C must be a positive number, is " + c);
      }
      if (!(heldOutShare >= 0 && heldOutShare < 1)) {
        throw new IllegalArgumentException("held-out share must be in [0, 1), is " + heldOutShare);
      }
      HeldOutSplit.requireSomeTrained(heldOutShare);
      transforms = Map.copyOf(transforms);
    }

    /** No transforms, 20 % held out. */
    public static Options of(String name, double c) {
      return new Options(name, c, Map.of(), HELD_OUT_SHARE);
    }
  }

  private ModelTrainer() {}

  /** Names the request for every feature in the data in {@link #modelFeatures}. */
  public static final String ALL_FEATURES = "all";

  /**
   * The columns of {@code set} a model is fitted on: {@code requested} in that order; by default
   * (empty or {@code null}) those of the built-in model's features that the data has, since {@code
   * 05-Risk} records also carry context values (medians, counts, {@code courseDay}) that are not
   * model inputs; {@value #ALL_FEATURES} for every feature in the data.
   *
   * @throws IllegalArgumentException naming an explicitly requested feature the data does not have
   */
  public static TrainingSet modelFeatures(TrainingSet set, List<String> requested) {
    if (requested != null && requested.equals(List.of(ALL_FEATURES))) {
      return set;
    }
    if (requested == null || requested.isEmpty()) {
      // records written by an older build lack a built-in feature (unsubmittedShare); a default
      // must not refuse them, so those are left out rather than requested
      return set.select(
          RiskModel.builtIn().featureNames().stream().filter(set.featureNames()::contains).toList());
    }
    return set.select(requested);
  }

  /**
   * Fits and measures a model.
   *
   * @throws IllegalArgumentException when the training rows lack one of the classes, or a transform
   *     names a feature the data does not have
   */
  public static RiskModel fit(TrainingSet set, Options options) {
    List<String> names = set.featureNames();
    for (String f : options.transforms().keySet()) {
      if (!names.contains(f)) {
        throw new IllegalArgumentException(
            "a transform (--log1p) names feature '"
                + f
                + "', which is not among the model's features "
                + names
                + ": add it to --features, or correct the name");
      }
    }
    if (set.rows().isEmpty()) {
      throw new IllegalArgumentException(
          "no rows to fit on: every record was skipped (the counts above say why); check"
              + " --outcomes (ids as in the streams), --from/--to and --courses");
    }
    Transform[] transforms = new Transform[names.size()];
    for (int i = 0; i < transforms.length; i++) {
      transforms[i] = options.transforms().getOrDefault(names.get(i), Transform.NONE);
    }
    List<TrainingSet.Row> train = new ArrayList<>();
    List<TrainingSet.Row> heldOut = new ArrayList<>();
    for (TrainingSet.Row r : set.rows()) {
      (HeldOutSplit.isHeldOut(r.studentId(), options.heldOutShare()) ? heldOut : train).add(r);
    }
    if (train.isEmpty()) {
      throw new IllegalArgumentException(
          "no training rows: the students of all "
              + heldOut.size()
              + " rows are held out (--held-out "
              + options.heldOutShare()
              + "); hold out a smaller share");
    }
    long positives = train.stream().filter(TrainingSet.Row::atRisk).count();
    if (positives == 0 || positives == train.size()) {
      throw new IllegalArgumentException(
          "the "
              + train.size()
              + " training rows are all "
              + (positives == 0 ? "not " : "")
              + "at risk; a model needs both students who withdrew or failed and students who"
              + " passed (check --outcomes, --from/--to and --courses)");
    }
    double[] mean = new double[names.size()];
    double[] std = new double[names.size()];
    standardisation(train, transforms, mean, std);
    double[] weights = solve(train, transforms, mean, std, options.c());
    requireFitted(weights, names, options.c());

    List<ModelFile.Feature> features = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      features.add(
          new ModelFile.Feature(
              names.get(i), transforms[i], mean[i], std[i], ModelFileCodec.parameter(weights[i])));
    }
    double intercept = ModelFileCodec.parameter(weights[names.size()]);
    ModelFile unmeasured =
        new ModelFile(options.name(), null, features, intercept, options.c(), null, null, null);
    RiskModel model = RiskModel.of(unmeasured);
    return RiskModel.of(
        new ModelFile(
            options.name(),
            null,
            features,
            intercept,
            options.c(),
            training(set, options.heldOutShare()),
            heldOut.isEmpty() ? null : measure(model, names, heldOut),
            trainedWith()));
  }

  /**
   * Mean and (population) standard deviation of each transformed feature over the present values.
   */
  private static void standardisation(
      List<TrainingSet.Row> rows, Transform[] transforms, double[] mean, double[] std) {
    for (int i = 0; i < mean.length; i++) {
      long n = 0;
      double sum = 0;
      for (TrainingSet.Row r : rows) {
        double v = r.values()[i];
        if (Double.isFinite(v)) {
          n++;
          sum += transforms[i].apply(v);
        }
      }
      double m = n == 0 ? 0 : sum / n;
      double squares = 0;
      for (TrainingSet.Row r : rows) {
        double v = r.values()[i];
        if (Double.isFinite(v)) {
          double d = transforms[i].apply(v) - m;
          squares += d * d;
        }
      }
      double s = n == 0 ? 0 : Math.sqrt(squares / n);
      // A constant feature carries no information; std 1 keeps it harmless (its weight fits to 0).
      mean[i] = ModelFileCodec.parameter(m);
      std[i] = s > 0 ? ModelFileCodec.parameter(s) : 1;
    }
  }

  /** Coefficients per feature, then the intercept. */
  private static double[] solve(
      List<TrainingSet.Row> rows, Transform[] transforms, double[] mean, double[] std, double c) {
    int n = mean.length;
    Problem problem = new Problem();
    problem.l = rows.size();
    problem.n = n + 1;
    problem.bias = 1;
    problem.x = new Feature[rows.size()][];
    problem.y = new double[rows.size()];
    for (int r = 0; r < rows.size(); r++) {
      TrainingSet.Row row = rows.get(r);
      Feature[] x = new Feature[n + 1];
      for (int i = 0; i < n; i++) {
        double v = row.values()[i];
        double z = Double.isFinite(v) ? (transforms[i].apply(v) - mean[i]) / std[i] : 0;
        x[i] = new FeatureNode(i + 1, z);
      }
      x[n] = new FeatureNode(n + 1, problem.bias);
      problem.x[r] = x;
      problem.y[r] = row.atRisk() ? 1 : -1;
    }
    Parameter parameter = new Parameter(SolverType.L2R_LR, c, EPSILON);
    parameter.setRegularizeBias(false);
    Linear.disableDebugOutput();
    Model model = Linear.train(problem, parameter);
    double[] w = model.getFeatureWeights().clone();
    // liblinear's weights score its first label; make "at risk" (+1) the positive class.
    if (model.getLabels()[0] != 1) {
      for (int i = 0; i < w.length; i++) {
        w[i] = -w[i];
      }
    }
    return w;
  }

  /**
   * Refuses what the solver returns when it fails rather than fits: liblinear gives all zeros for
   * a cost so large that its objective overflows ({@code --c 1e300}: every score 0.5, held-out AUC
   * 0.5), and unbounded weights when the data separates the classes and nothing restrains them.
   */
  private static void requireFitted(double[] weights, List<String> names, double c) {
    boolean allZero = true;
    for (int i = 0; i < weights.length; i++) {
      String what = i < names.size() ? "feature '" + names.get(i) + "'" : "the intercept";
      if (!Double.isFinite(weights[i]) || Math.abs(weights[i]) > ModelFile.MAX_WEIGHT) {
        throw new IllegalArgumentException(
            "the fit diverged: "
                + what
                + " got weight "
                + weights[i]
                + " (a fitted model stays within ±"
                + (int) ModelFile.MAX_WEIGHT
                + " log-odds); use a smaller --c than "
                + c
                + ", or leave out a feature that separates the classes by itself");
      }
      allZero &= weights[i] == 0;
    }
    if (allZero) {
      throw new IllegalArgumentException(
          "the solver returned an all-zero model (every score 0.5), which happens when --c "
              + c
              + " is too large for it; use a smaller --c (the default is 1)");
    }
  }

  /** The rows and their span, as the model file's {@code training} records them. */
  static ModelFile.Training training(TrainingSet set, double heldOutShare) {
    Instant from = null;
    Instant to = null;
    Set<String> pairs = new HashSet<>();
    TreeSet<String> courses = new TreeSet<>();
    long positives = 0;
    for (TrainingSet.Row r : set.rows()) {
      from = from == null || r.at().isBefore(from) ? r.at() : from;
      to = to == null || r.at().isAfter(to) ? r.at() : to;
      pairs.add(r.studentId() + '\u0000' + r.courseId());
      courses.add(r.courseId());
      positives += r.atRisk() ? 1 : 0;
    }
    long rows = set.rows().size();
    return new ModelFile.Training(
        from,
        to,
        List.copyOf(courses),
        rows,
        pairs.size(),
        (double) positives / rows,
        heldOutShare);
  }

  private static ModelFile.HeldOut measure(
      RiskModel model, List<String> names, List<TrainingSet.Row> rows) {
    double[] scores = new double[rows.size()];
    boolean[] labels = new boolean[rows.size()];
    Set<String> pairs = new HashSet<>();
    long positives = 0;
    for (int r = 0; r < rows.size(); r++) {
      TrainingSet.Row row = rows.get(r);
      Map<String, Double> features = new HashMap<>();
      for (int i = 0; i < names.size(); i++) {
        features.put(names.get(i), row.values()[i]);
      }
      scores[r] = model.score(features);
      labels[r] = row.atRisk();
      positives += labels[r] ? 1 : 0;
      pairs.add(row.studentId() + '\u0000' + row.courseId());
    }
    TreeMap<Integer, Double> byWeek = new TreeMap<>();
    for (int week : ModelFile.HeldOut.WEEKS) {
      List<Integer> at = new ArrayList<>();
      for (int r = 0; r < rows.size(); r++) {
        if (rows.get(r).courseDay() == 7 * week) {
          at.add(r);
        }
      }
      double[] s = new double[at.size()];
      boolean[] l = new boolean[at.size()];
      for (int k = 0; k < at.size(); k++) {
        s[k] = scores[at.get(k)];
        l[k] = labels[at.get(k)];
      }
      byWeek.put(week, Metrics.auc(s, l));
    }
    return new ModelFile.HeldOut(
        rows.size(),
        pairs.size(),
        (double) positives / rows.size(),
        Metrics.auc(scores, labels),
        byWeek,
        Metrics.logLoss(scores, labels));
  }

  /** The library, its version and the solver, for the model file. */
  static String trainedWith() {
    int v = Linear.getVersion();
    return "de.bwaldvogel:liblinear "
        + v / 100
        + "."
        + v % 100
        + " (L2R_LR: primal trust-region Newton, eps "
        + EPSILON
        + ", intercept not regularised)";
  }
}
