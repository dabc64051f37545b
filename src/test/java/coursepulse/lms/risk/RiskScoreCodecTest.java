package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RiskScoreCodecTest {

  private static String reference(double v) {
    return BigDecimal.valueOf(v).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros().toString();
  }

  @Test
  void shouldWriteTheTextOfTheRoundedBigDecimal() {
    double[] edges = {
      0, -0.0, 1, -1, 10, 20, 100, 120, 1234, 99_999.99995, 100_000, 1e9, 0.5, 0.00005, -0.00005,
      0.00004999, 0.12345, 0.12355, 1.00005, 2.5, 0.1, 0.7169, 0.4213, 0.588, 1e-7, -1e-7,
      Math.log(2), Math.log(1.5), 14 / 3.0, 2 / 3.0, -2 / 3.0, Double.MIN_VALUE, 1e15 + 0.5
    };
    for (double v : edges) {
      assertThat(RiskScoreCodec.decimal(v)).as("%s", v).isEqualTo(reference(v));
    }
    Random random = new Random(19);
    for (int i = 0; i < 2_000_000; i++) {
      double v =
          switch (i % 4) {
            case 0 -> random.nextDouble();
            case 1 -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(12));
            case 2 -> random.nextInt(200_000) / 20_000.0; // on and around the ties
            default -> Math.log((1 + random.nextInt(30)) / (1 + random.nextInt(90) / 3.0));
          };
      assertThat(RiskScoreCodec.decimal(v)).as("%s", v).isEqualTo(reference(v));
    }
  }
}
