package coursepulse.lms.quality;

import java.util.Arrays;

/**
 * The area under the ROC curve of a score, by the Mann–Whitney U statistic: the probability that a
 * random positive scores higher than a random negative, ties counted half. Sorting makes it
 * O(n log n), so it serves every pair of a whole presentation.
 */
final class RocAuc {
  private RocAuc() {}

  /**
   * The AUC of {@code scores} against {@code positive} (same length): NaN when either class is
   * empty. Higher scores must mean "more likely positive". NaN scores are not allowed.
   */
  static double of(double[] scores, boolean[] positive) {
    int n = scores.length;
    if (positive.length != n) {
      throw new IllegalArgumentException("scores and labels differ in length");
    }
    long positives = 0;
    for (boolean p : positive) {
      positives += p ? 1 : 0;
    }
    long negatives = n - positives;
    if (positives == 0 || negatives == 0) {
      return Double.NaN;
    }
    // Sort (score, label) together: each entry is the score's index, ordered by score.
    Integer[] order = new Integer[n];
    double[] s = new double[n];
    for (int i = 0; i < n; i++) {
      if (Double.isNaN(scores[i])) {
        throw new IllegalArgumentException("score " + i + " is NaN");
      }
      order[i] = i;
      s[i] = scores[i] + 0.0; // -0.0 becomes 0.0: equal scores must sort as one tie group
    }
    Arrays.sort(order, (a, b) -> Double.compare(s[a], s[b]));
    // Sum of the positives' ranks (1-based), every member of a tie group getting the group's mean
    // rank; doubled to stay in integers.
    long doubledRankSum = 0;
    int from = 0;
    while (from < n) {
      int to = from;
      long groupPositives = 0;
      while (to < n && s[order[to]] == s[order[from]]) {
        groupPositives += positive[order[to]] ? 1 : 0;
        to++;
      }
      long doubledMeanRank = (from + 1L) + to; // first rank + last rank
      doubledRankSum += groupPositives * doubledMeanRank;
      from = to;
    }
    double u = doubledRankSum / 2.0 - positives * (positives + 1) / 2.0;
    return u / ((double) positives * negatives);
  }
}
