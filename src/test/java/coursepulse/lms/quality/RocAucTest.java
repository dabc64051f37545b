package coursepulse.lms.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RocAucTest {

  /** The definition: every (positive, negative) pair, 1 when the positive is higher, 1/2 on a tie. */
  private static double bruteForce(double[] scores, boolean[] positive) {
    double wins = 0;
    long pairs = 0;
    for (int i = 0; i < scores.length; i++) {
      for (int j = 0; j < scores.length; j++) {
        if (positive[i] && !positive[j]) {
          pairs++;
          wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
        }
      }
    }
    return wins / pairs;
  }

  @Test
  void shouldEqualThePairwiseCountOnRandomDataWithManyTies() {
    Random random = new Random(17);
    for (int round = 0; round < 200; round++) {
      int n = 2 + random.nextInt(300);
      double[] scores = new double[n];
      boolean[] positive = new boolean[n];
      int levels = 1 + random.nextInt(round % 2 == 0 ? 5 : 1000); // few levels: many ties
      for (int i = 0; i < n; i++) {
        scores[i] = random.nextInt(levels) / (double) levels;
        positive[i] = random.nextDouble() < 0.3;
      }
      positive[0] = true;
      positive[1] = false;
      assertThat(RocAuc.of(scores, positive))
          .as("round %d", round)
          .isCloseTo(bruteForce(scores, positive), within(1e-12));
    }
  }

  @Test
  void shouldGiveOneForAPerfectScoreAHalfForAConstantAndZeroForAnInvertedOne() {
    boolean[] positive = {true, true, false, false};
    assertThat(RocAuc.of(new double[] {0.9, 0.8, 0.1, 0.2}, positive)).isEqualTo(1.0);
    assertThat(RocAuc.of(new double[] {0.5, 0.5, 0.5, 0.5}, positive)).isEqualTo(0.5);
    assertThat(RocAuc.of(new double[] {0.1, 0.2, 0.9, 0.8}, positive)).isEqualTo(0.0);
    assertThat(RocAuc.of(new double[] {0.0, -0.0}, new boolean[] {true, false})).isEqualTo(0.5);
  }

  @Test
  void shouldBeUndefinedWithoutBothClasses() {
    assertThat(RocAuc.of(new double[] {0.1, 0.2}, new boolean[] {true, true})).isNaN();
    assertThat(RocAuc.of(new double[0], new boolean[0])).isNaN();
  }
}
