package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
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

  @Test
  void shouldWriteRecordAfterRecordWithTheSameBytesAsAFreshThread() throws Exception {
    RiskScore first = record("s-1", Map.of("activeDays28Pct", 0.25));
    RiskScore second = record("s-2", features("clicks14", 103.5, "scoreVsClass", -1.2345678));
    byte[] reference = CompletableFuture.supplyAsync(() -> RiskScoreCodec.encode(second)).get();

    RiskScoreCodec.encode(first);
    byte[] afterAnother = RiskScoreCodec.encode(second);

    assertThat(afterAnother).isEqualTo(reference);
    assertThat(new String(afterAnother, UTF_8))
        .isEqualTo(
            "{\"type\":\"risk_score\",\"studentId\":\"s-2\",\"courseId\":\"AAA-2013J\","
                + "\"at\":\"2013-10-08T00:00:00Z\",\"score\":0.4213,\"factors\":[\"missed 2 of 3\"],"
                + "\"features\":{\"clicks14\":103.5,\"scoreVsClass\":-1.2346},"
                + "\"modelVersion\":\"m@1\"}");
    assertThat(RiskScoreCodec.decode(afterAnother).features())
        .containsExactly(Map.entry("clicks14", 103.5), Map.entry("scoreVsClass", -1.2346));
  }

  @Test
  void shouldWriteACleanRecordAfterOneThatFailedHalfWay() throws Exception {
    RiskScore good = record("s-1", features("due", 3.0, "missed", 2.0));
    byte[] reference = CompletableFuture.supplyAsync(() -> RiskScoreCodec.encode(good)).get();

    assertThatThrownBy(() -> RiskScoreCodec.encode(record("s-0", features("due", Double.NaN))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a finite number");

    assertThat(RiskScoreCodec.encode(good)).isEqualTo(reference);
  }

  private static RiskScore record(String student, Map<String, Double> features) {
    return new RiskScore(
        student, "AAA-2013J", Instant.parse("2013-10-08T00:00:00Z"), 0.4213,
        List.of("missed 2 of 3"), features, "m@1");
  }

  private static Map<String, Double> features(Object... nameValue) {
    Map<String, Double> m = new LinkedHashMap<>();
    for (int i = 0; i < nameValue.length; i += 2) {
      m.put((String) nameValue[i], (Double) nameValue[i + 1]);
    }
    return m;
  }
}
