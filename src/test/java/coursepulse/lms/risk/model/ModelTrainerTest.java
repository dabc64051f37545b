package coursepulse.lms.risk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModelTrainerTest {

  private static final TrainingSet DATA =
      TrainingSet.of(SyntheticRows.FEATURES, SyntheticRows.draw(42, 400, 12));
  private static final ModelTrainer.Options OPTIONS =
      new ModelTrainer.Options("synthetic", 1.0, Map.of("clicks", Transform.LOG1P), 0.2);

  private static Map<String, Double> coefficients(RiskModel m) {
    Map<String, Double> out = new HashMap<>();
    m.file().features().forEach(f -> out.put(f.name(), f.coefficient() / f.std()));
    return out;
  }

  @Test
  void shouldRecoverTheSignsAndOrderOfTheGeneratingCoefficients() {
    RiskModel model = ModelTrainer.fit(DATA, OPTIONS);
    Map<String, Double> perUnit = coefficients(model);
    // per raw unit (coefficient / std), the fit estimates the generating model: 2, -1, 0, 0.5
    assertThat(perUnit.get("risk")).isCloseTo(2.0, within(0.25));
    assertThat(perUnit.get("engagement")).isCloseTo(-1.0, within(0.15));
    assertThat(perUnit.get("clicks")).isCloseTo(0.5, within(0.15));
    assertThat(Math.abs(perUnit.get("noise"))).isLessThan(0.1);
    assertThat(perUnit.get("risk")).isGreaterThan(perUnit.get("clicks"));
    assertThat(perUnit.get("clicks")).isGreaterThan(Math.abs(perUnit.get("noise")));
    assertThat(model.file().features().get(3).transform()).isEqualTo(Transform.LOG1P);
  }

  @Test
  void shouldMeasureTheHeldOutStudentsOverallAndPerWeek() {
    ModelFile file = ModelTrainer.fit(DATA, OPTIONS).file();
    ModelFile.HeldOut h = file.heldOut();
    assertThat(h.auc()).isGreaterThan(0.85);
    assertThat(h.aucByWeek()).containsOnlyKeys(2, 4, 8, 12);
    assertThat(h.aucByWeek().values()).allSatisfy(a -> assertThat(a).isGreaterThan(0.75));
    assertThat(h.logLoss()).isBetween(0.2, 0.6);
    // about 20 % of 400 students, all 12 weeks of each
    assertThat(h.pairs()).isBetween(60L, 100L);
    assertThat(h.n()).isEqualTo(h.pairs() * 12);
    assertThat(file.training().rows()).isEqualTo(4800);
    assertThat(file.training().pairs()).isEqualTo(400);
    assertThat(file.training().courses()).containsExactly("C-2013B");
    assertThat(file.training().from()).isEqualTo(SyntheticRows.START.plusSeconds(7 * 86400));
    assertThat(file.trainedWith()).startsWith("de.bwaldvogel:liblinear 2.44");
  }

  @Test
  void shouldWriteByteIdenticalFilesForTheSameData() {
    byte[] first = ModelFileCodec.write(ModelTrainer.fit(DATA, OPTIONS).file());
    TrainingSet again = TrainingSet.of(SyntheticRows.FEATURES, SyntheticRows.draw(42, 400, 12));
    byte[] second = ModelFileCodec.write(ModelTrainer.fit(again, OPTIONS).file());
    assertThat(second).isEqualTo(first);
  }

  @Test
  void shouldFitTheSameCoefficientsOnShuffledRows() {
    RiskModel ordered = ModelTrainer.fit(DATA, OPTIONS);
    List<TrainingSet.Row> shuffled = new ArrayList<>(DATA.rows());
    Collections.shuffle(shuffled, new Random(7));
    RiskModel fromShuffled =
        ModelTrainer.fit(TrainingSet.of(SyntheticRows.FEATURES, shuffled), OPTIONS);
    assertThat(fromShuffled.file()).isEqualTo(ordered.file());
    assertThat(fromShuffled.version()).isEqualTo(ordered.version());
  }

  @Test
  void shouldRegulariseMoreWithASmallerC() {
    double strong =
        Math.abs(
            coefficients(ModelTrainer.fit(DATA, ModelTrainer.Options.of("a", 0.0001))).get("risk"));
    double weak =
        Math.abs(
            coefficients(ModelTrainer.fit(DATA, ModelTrainer.Options.of("b", 1.0))).get("risk"));
    assertThat(strong).isLessThan(weak / 2);
  }

  @Test
  void shouldRefuseRowsOfOneClass() {
    List<TrainingSet.Row> allPass = new ArrayList<>();
    for (TrainingSet.Row r : DATA.rows()) {
      allPass.add(
          new TrainingSet.Row(
              r.studentId(), r.courseId(), r.at(), r.courseDay(), false, r.values()));
    }
    assertThatThrownBy(
            () -> ModelTrainer.fit(TrainingSet.of(SyntheticRows.FEATURES, allPass), OPTIONS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all not at risk")
        .hasMessageContaining("--outcomes");
  }

  @Test
  void shouldRefuseATransformOfAnUnknownFeature() {
    ModelTrainer.Options typo =
        new ModelTrainer.Options("x", 1.0, Map.of("clikcs", Transform.LOG1P), 0.2);
    assertThatThrownBy(() -> ModelTrainer.fit(DATA, typo))
        .hasMessageContaining("'clikcs'")
        .hasMessageContaining("clicks");
  }

  @Test
  void shouldSayATransformedFeatureIsNotAmongTheModelsFeaturesRatherThanNotInTheData() {
    // 'train --rows rows.csv --log1p clicks14': the rows have clicks14, --features did not pick it.
    TrainingSet selected = DATA.select(List.of(SyntheticRows.FEATURES.get(0)));
    assertThatThrownBy(() -> ModelTrainer.fit(selected, OPTIONS))
        .hasMessageContaining("names feature 'clicks', which is not among the model's features")
        .hasMessageContaining("add it to --features")
        .hasMessageNotContaining("does not have");
  }

  @Test
  void shouldRefuseTheAllZeroModelAHugeCostMakesTheSolverReturn() {
    // --c 1e300 on AAA-2013J (1e305 here): liblinear returns zeros (every score 0.5, AUC 0.5).
    ModelTrainer.Options huge = new ModelTrainer.Options("x", 1e308, Map.of(), 0.2);
    assertThatThrownBy(() -> ModelTrainer.fit(DATA, huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("all-zero model")
        .hasMessageContaining("smaller --c");
    assertThat(ModelTrainer.fit(DATA, new ModelTrainer.Options("x", 1e6, Map.of(), 0.2))
        .file().intercept()).isNotZero();
  }

  @Test
  void shouldRefuseAHeldOutShareThatRoundsToEveryStudent() {
    assertThatThrownBy(() -> new ModelTrainer.Options("x", 1, Map.of(), 0.99999))
        .hasMessageContaining("held-out share 0.99999 rounds to 1")
        .hasMessageContaining("use at most 0.9999");
    new ModelTrainer.Options("x", 1, Map.of(), 0.9999);
  }

  @Test
  void shouldSaySoWhenThereAreNoRowsOrNoTrainingRows() {
    assertThatThrownBy(() -> ModelTrainer.fit(TrainingSet.of(SyntheticRows.FEATURES, List.of()),
            OPTIONS))
        .hasMessageStartingWith("no rows to fit on: every record was skipped")
        .hasMessageNotContaining("are all not at risk");
    TrainingSet one = TrainingSet.of(SyntheticRows.FEATURES, DATA.rows().subList(0, 12));
    ModelTrainer.Options most = new ModelTrainer.Options("x", 1, Map.of(), 0.9999);
    assertThat(HeldOutSplit.isHeldOut(one.rows().get(0).studentId(), 0.9999)).isTrue();
    assertThatThrownBy(() -> ModelTrainer.fit(one, most))
        .hasMessageStartingWith("no training rows: the students of all 12 rows are held out");
  }

  @Test
  void shouldScoreAMissingValueAsItsTrainingMean() {
    List<TrainingSet.Row> rows = new ArrayList<>();
    for (TrainingSet.Row r : DATA.rows()) {
      double[] v = r.values().clone();
      if (r.courseDay() == 7) {
        v[0] = Double.NaN; // e.g. no grade yet in week 1
      }
      rows.add(
          new TrainingSet.Row(r.studentId(), r.courseId(), r.at(), r.courseDay(), r.atRisk(), v));
    }
    RiskModel model = ModelTrainer.fit(TrainingSet.of(SyntheticRows.FEATURES, rows), OPTIONS);
    assertThat(coefficients(model).get("risk")).isGreaterThan(1.5);
    Map<String, Double> x = Map.of("engagement", 0.5, "noise", 0.0, "clicks", 3.0);
    Map<String, Double> atMean = new HashMap<>(x);
    atMean.put("risk", model.file().features().get(0).mean());
    assertThat(model.score(x)).isEqualTo(model.score(atMean));
  }

  @Test
  void shouldDefaultToTheBuiltInFeaturesTheDataHasAndRefuseAnExplicitMissingOne() {
    List<String> builtIn = RiskModel.builtIn().featureNames();
    List<String> present = new ArrayList<>(builtIn.subList(0, builtIn.size() - 1));
    present.add("courseDay");
    List<TrainingSet.Row> rows = new ArrayList<>();
    rows.add(new TrainingSet.Row("s1", "c1", java.time.Instant.EPOCH, 7, true, new double[present.size()]));
    TrainingSet set = TrainingSet.of(present, rows);

    // records of an older build lack a built-in feature (unsubmittedShare): the default leaves it out
    assertThat(ModelTrainer.modelFeatures(set, null).featureNames())
        .isEqualTo(builtIn.subList(0, builtIn.size() - 1));
    assertThatThrownBy(() -> ModelTrainer.modelFeatures(set, List.of(builtIn.get(builtIn.size() - 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not in the data");
  }
}
