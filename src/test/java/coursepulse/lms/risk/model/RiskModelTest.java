package coursepulse.lms.risk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RiskModelTest {
  @TempDir Path dir;

  private static final ModelFile FILE =
      new ModelFile(
          "hand",
          null,
          List.of(
              new ModelFile.Feature("silentDays", Transform.LOG1P, 1.0, 0.5, 1.5),
              new ModelFile.Feature("activeRel", Transform.NONE, 1.0, 0.25, -0.8),
              new ModelFile.Feature("noise", Transform.NONE, 0.0, 1.0, 0.0)),
          -0.4,
          null,
          null,
          null,
          null);
  private static final RiskModel MODEL = RiskModel.of(FILE);

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }

  @Test
  void shouldScoreTheLogisticOfStandardisedFeatures() {
    Map<String, Double> x = Map.of("silentDays", 12.0, "activeRel", 0.5, "noise", 3.0);
    double z1 = (Math.log1p(12) - 1.0) / 0.5;
    double z2 = (0.5 - 1.0) / 0.25;
    double expected = 1 / (1 + Math.exp(-(-0.4 + 1.5 * z1 - 0.8 * z2)));
    assertThat(MODEL.score(x)).isCloseTo(expected, within(1e-12));
    assertThat(MODEL.score(x)).isBetween(0.9, 1.0);
  }

  @Test
  void shouldScoreAMissingOrNonFiniteFeatureAsItsMean() {
    double atMeans = 1 / (1 + Math.exp(0.4));
    assertThat(MODEL.score(Map.of())).isCloseTo(atMeans, within(1e-12));
    assertThat(MODEL.score(Map.of("activeRel", Double.NaN, "other", 99.0)))
        .isCloseTo(atMeans, within(1e-12));
  }

  @Test
  void shouldStayInTheUnitIntervalForExtremeValues() {
    assertThat(MODEL.score(Map.of("silentDays", 1e300, "activeRel", -1e300))).isEqualTo(1.0);
    assertThat(MODEL.score(Map.of("silentDays", 0.0, "activeRel", 1e300))).isEqualTo(0.0);
  }

  @Test
  void shouldExplainTheScoreMostRiskIncreasingFirst() {
    Map<String, Double> x = Map.of("silentDays", 12.0, "activeRel", 1.5);
    List<Contribution> why = MODEL.contributions(x);
    assertThat(why)
        .extracting(Contribution::feature)
        .containsExactly("silentDays", "noise", "activeRel");
    assertThat(why.get(0).value()).isEqualTo(12.0);
    assertThat(why.get(0).contribution()).isGreaterThan(0);
    assertThat(why.get(2).contribution()).isLessThan(0);
    // the missing feature counts as its mean and contributes nothing
    assertThat(why.get(1)).isEqualTo(new Contribution("noise", 0.0, 0.0));
    double sum = why.stream().mapToDouble(Contribution::contribution).sum();
    assertThat(-0.4 + sum).isCloseTo(logit(MODEL.score(x)), within(1e-9));
  }

  @Test
  void shouldReportTheRawMeanOfATransformedMissingFeature() {
    Contribution silent =
        MODEL.contributions(Map.of()).stream()
            .filter(c -> c.feature().equals("silentDays"))
            .findFirst()
            .orElseThrow();
    assertThat(Math.log1p(silent.value())).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void shouldNameItsVersionByNameAndContentHash() throws Exception {
    assertThat(MODEL.version()).matches("hand@[0-9a-f]{8}");
    assertThat(MODEL.featureNames()).containsExactly("silentDays", "activeRel", "noise");
    Path file = dir.resolve("m.json");
    Files.write(file, ModelFileCodec.write(FILE));
    assertThat(RiskModel.load(file).version()).isEqualTo(MODEL.version());
    ModelFile changed = new ModelFile("hand", null, FILE.features(), -0.3, null, null, null, null);
    assertThat(RiskModel.of(changed).version()).isNotEqualTo(MODEL.version()).startsWith("hand@");
  }

  @Test
  void shouldShipTheModelTrainedOnOuladFebruaryInCanonicalForm() throws Exception {
    RiskModel builtIn = RiskModel.builtIn();
    assertThat(builtIn.featureNames())
        .containsExactly(
            "activeDays28Pct",
            "activeDays7Pct",
            "daysSinceActivePct",
            "clicks14Pct",
            "submittedPct",
            "missedShare",
            "unsubmittedShare",
            "scoreVsClass",
            "logCourseWeek");
    // trained with 'coursepulse train' on the February (2013B) presentations only (docs/model.md)
    assertThat(builtIn.version()).startsWith("oulad-2013B@");
    try (InputStream in =
        getClass().getClassLoader().getResourceAsStream(RiskModel.BUILT_IN_RESOURCE)) {
      byte[] bytes = in.readAllBytes();
      assertThat(ModelFileCodec.write(ModelFileCodec.read(bytes, "resource"))).isEqualTo(bytes);
    }
    double quiet =
        builtIn.score(
            Map.of("activeDays7Pct", 0.05, "activeDays28Pct", 0.1, "daysSinceActivePct", 0.95));
    double busy =
        builtIn.score(
            Map.of("activeDays7Pct", 0.8, "activeDays28Pct", 0.9, "daysSinceActivePct", 0.2));
    assertThat(quiet).isGreaterThan(busy);
  }
}
