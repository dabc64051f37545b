package coursepulse.lms.risk.model;

import java.util.Arrays;
import java.util.Comparator;

/** Ranking and calibration metrics of scores against binary labels. */
final class Metrics {
  private static final double EPSILON = 1e-15;

  private Metrics() {}

  /**
   * ROC AUC: the probability that a random positive scores above a random negative, ties counting
   * half (Mann–Whitney with average ranks); {@code null} when either class is absent.
   */
  static Double auc(double[] scores, boolean[] labels) {
    int n = scores.length;
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    long positives = 0;
    double positiveRankSum = 0;
    int i = 0;
    while (i < n) {
      int j = i;
      while (j + 1 < n && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double averageRank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]]) {
          positives++;
          positiveRankSum += averageRank;
        }
      }
      i = j + 1;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return null;
    }
    return (positiveRankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /** Mean negative log-likelihood, probabilities clipped to [1e-15, 1 - 1e-15]; NaN when empty. */
  static double logLoss(double[] scores, boolean[] labels) {
    double sum = 0;
    for (int i = 0; i < scores.length; i++) {
      double p = Math.min(Math.max(scores[i], EPSILON), 1 - EPSILON);
      sum -= labels[i] ? Math.log(p) : Math.log(1 - p);
    }
    return sum / scores.length;
  }
}
