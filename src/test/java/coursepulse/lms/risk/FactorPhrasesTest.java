package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FactorPhrasesTest {

  @Test
  void shouldPrintWholeNumbersPlainAndOthersAsFormatDoes() {
    Random random = new Random(7);
    for (int i = 0; i < 200_000; i++) {
      double v =
          switch (i % 3) {
            case 0 -> random.nextInt(400) / 2.0;
            case 1 -> Math.round(random.nextDouble() * 300) / 10.0;
            default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(9));
          };
      String expected =
          v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
      assertThat(FactorPhrases.number(v)).as("%s", v).isEqualTo(expected);
    }
  }
}
