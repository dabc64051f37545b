package coursepulse.lms.risk;

import java.util.Arrays;

/**
 * Points possible of one assignment and the grades given so far, in per mille, sorted: the class
 * median for "score 35 vs class median 71". Grows with the class (hundreds of shorts at most).
 */
final class AssignmentGrades {
  final double pointsPossible;
  short[] sorted;

  AssignmentGrades(double pointsPossible, short[] sorted) {
    this.pointsPossible = pointsPossible;
    this.sorted = sorted;
  }

  void add(int permille) {
    int i = Arrays.binarySearch(sorted, (short) permille);
    int at = i < 0 ? -i - 1 : i;
    short[] s = new short[sorted.length + 1];
    System.arraycopy(sorted, 0, s, 0, at);
    s[at] = (short) permille;
    System.arraycopy(sorted, at, s, at + 1, sorted.length - at);
    sorted = s;
  }

  /** The median grade in per mille, or -1 before any grade. */
  int median() {
    int n = sorted.length;
    if (n == 0) {
      return -1;
    }
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  /** A grade in per mille of the points possible, clamped to 0..1000. */
  int permille(double score) {
    if (!(pointsPossible > 0)) {
      return -1;
    }
    return (int) Math.max(0, Math.min(1000, Math.round(score / pointsPossible * 1000)));
  }
}
