package coursepulse.lms.risk;

/**
 * Grades: a submission's score as a share of the assignment's points possible, and the class
 * median for that assignment so far, kept per assignment.
 */
final class GradeSignal {
  private GradeSignal() {}

  /** The student's mean grade and the mean of the class medians over the same assignments. */
  record Summary(int graded, int failed, double mean, double classMedianMean) {}

  static Summary summarize(StudentCourse sc, int[] classMedians, double passMark) {
    int graded = 0;
    int failed = 0;
    double sum = 0;
    double medians = 0;
    for (int i = 0; i < sc.grades.length; i++) {
      int g = sc.grades[i];
      if (g < 0) {
        continue;
      }
      graded++;
      sum += g / 1000.0;
      int m = i < classMedians.length && classMedians[i] >= 0 ? classMedians[i] : g;
      medians += m / 1000.0;
      if (g < Math.round(passMark * 1000)) {
        failed++;
      }
    }
    return graded == 0
        ? new Summary(0, 0, 0, 0)
        : new Summary(graded, failed, sum / graded, medians / graded);
  }
}
