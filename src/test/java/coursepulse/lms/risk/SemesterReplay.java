package coursepulse.lms.risk;

import static coursepulse.lms.risk.RiskFixture.day;

import java.util.List;
import java.util.Random;

/** A small seeded semester of mixed behaviour, piped in event-time order. */
final class SemesterReplay {
  private SemesterReplay() {}

  static List<byte[]> run(long seed) {
    Random r = new Random(seed);
    try (RiskFixture f = new RiskFixture()) {
      int students = 30;
      for (int s = 0; s < students; s++) {
        f.enroll("s" + s, "c1", day(-3 + s * 0.01)).enroll("s" + s, "c2", day(-3 + s * 0.01 + 0.001));
      }
      for (int w = 0; w < 15; w++) {
        f.assignment("c1", "c1-a" + w, day(w * 7), day(w * 7 + 6));
        f.assignment("c2", "c2-a" + w, day(w * 7 + 0.001), day(w * 7 + 5));
      }
      double[] quitDay = new double[students];
      for (int s = 0; s < students; s++) {
        quitDay[s] = r.nextDouble() < 0.4 ? 7 + r.nextInt(70) : 1_000;
      }
      for (int hour = 0; hour < 15 * 7 * 24; hour++) {
        double d = hour / 24.0;
        for (int s = 0; s < students; s++) {
          double rate = d < quitDay[s] ? 0.08 : 0.004;
          if (r.nextDouble() < rate) {
            f.login("s" + s, day(d + s * 1e-5));
          }
          if (r.nextDouble() < rate) {
            f.access("s" + s, r.nextBoolean() ? "c1" : "c2", day(d + 1e-4 + s * 1e-5));
          }
          if (hour % 24 == 12 && r.nextDouble() < rate * 8) {
            String c = r.nextBoolean() ? "c1" : "c2";
            f.submit("s" + s, c, c + "-a" + (int) (d / 7), day(d + 2e-4 + s * 1e-5));
          }
        }
      }
      return f.alertBytes();
    }
  }
}
