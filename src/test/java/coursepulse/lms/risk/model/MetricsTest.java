package coursepulse.lms.risk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsTest {
  @Test
  void shouldComputeAucFromRanksWithTiesCountingHalf() {
    boolean[] labels = {false, false, true, true};
    assertThat(Metrics.auc(new double[] {0.1, 0.2, 0.3, 0.4}, labels)).isEqualTo(1.0);
    assertThat(Metrics.auc(new double[] {0.4, 0.3, 0.2, 0.1}, labels)).isEqualTo(0.0);
    assertThat(Metrics.auc(new double[] {0.5, 0.5, 0.5, 0.5}, labels)).isEqualTo(0.5);
    // pairs (pos, neg): (0.3,0.1) win, (0.3,0.35) loss, (0.9,*) two wins -> 3 of 4
    assertThat(Metrics.auc(new double[] {0.1, 0.35, 0.3, 0.9}, labels)).isEqualTo(0.75);
  }

  @Test
  void shouldHaveNoAucWithoutBothClasses() {
    assertThat(Metrics.auc(new double[] {0.1, 0.2}, new boolean[] {true, true})).isNull();
    assertThat(Metrics.auc(new double[0], new boolean[0])).isNull();
  }

  @Test
  void shouldComputeLogLossClippingCertainMistakes() {
    assertThat(Metrics.logLoss(new double[] {0.5, 0.5}, new boolean[] {true, false}))
        .isCloseTo(Math.log(2), within(1e-12));
    assertThat(Metrics.logLoss(new double[] {0.0}, new boolean[] {true}))
        .isCloseTo(-Math.log(1e-15), within(1e-9));
  }
}
