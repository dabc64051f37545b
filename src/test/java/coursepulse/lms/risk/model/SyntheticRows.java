package coursepulse.lms.risk.model;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Rows drawn from a known logistic model, so a fit can be checked against the truth: per row,
 * {@code risk} (coefficient +2), {@code engagement} (-1), {@code noise} (0) and {@code clicks} (a
 * long-tailed count whose log1p has coefficient +0.5), standard normal apart from {@code clicks}.
 */
final class SyntheticRows {
  static final List<String> FEATURES = List.of("risk", "engagement", "noise", "clicks");
  static final Instant START = Instant.parse("2013-02-04T00:00:00Z");

  private SyntheticRows() {}

  /**
   * {@code students} students in one course, one row per week 1..{@code weeks}, each its own draw.
   */
  static List<TrainingSet.Row> draw(long seed, int students, int weeks) {
    Random random = new Random(seed);
    List<TrainingSet.Row> rows = new ArrayList<>();
    for (int s = 0; s < students; s++) {
      for (int w = 1; w <= weeks; w++) {
        double risk = random.nextGaussian();
        double engagement = random.nextGaussian();
        double noise = random.nextGaussian();
        double clicks = Math.floor(Math.expm1(Math.abs(random.nextGaussian()) * 2));
        double logit = -0.3 + 2 * risk - engagement + 0.5 * (Math.log1p(clicks) - 1);
        boolean atRisk = random.nextDouble() < 1 / (1 + Math.exp(-logit));
        rows.add(
            new TrainingSet.Row(
                "s" + s,
                "C-2013B",
                START.plus(Duration.ofDays(7L * w)),
                7 * w,
                atRisk,
                new double[] {risk, engagement, noise, clicks}));
      }
    }
    return rows;
  }
}
