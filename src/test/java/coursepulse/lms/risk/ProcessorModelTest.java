package coursepulse.lms.risk;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.lms.risk.model.ModelFileCodec;
import coursepulse.lms.risk.model.RiskModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code process --model}: the model file as the processor will score with it. */
class ProcessorModelTest {
  @TempDir Path dir;

  private final List<String> warnings = new ArrayList<>();

  private Path builtInAs(String name, String content) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, content, UTF_8);
    return p;
  }

  private static String builtInJson() {
    return new String(ModelFileCodec.write(RiskModel.builtIn().file()), UTF_8);
  }

  @Test
  void shouldLoadTheBuiltInModelsFileWithoutAWarning() throws Exception {
    RiskModel m = ProcessorModel.load(builtInAs("m.json", builtInJson()), warnings::add);
    assertThat(m.featureNames()).isEqualTo(RiskModel.builtIn().featureNames());
    assertThat(warnings).isEmpty();
  }

  @Test
  void shouldRefuseFeatureNamesTheProcessorDoesNotCompute() throws Exception {
    // The reviewer's repro: names lower-cased, every score became sigmoid(intercept), no alert.
    String lower = builtInJson().replace("\"activeDays28Pct\"", "\"activedays28pct\"")
        .replace("\"submittedPct\"", "\"submittedpct\"");
    Path p = builtInAs("lower.json", lower);
    assertThatThrownBy(() -> ProcessorModel.load(p, warnings::add))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("model file " + p + " names features the processor does not"
            + " compute: activedays28pct, submittedpct")
        .hasMessageContaining("it computes activeDays28Pct, activeDays7Pct,")
        .hasMessageContaining("case-sensitive");
  }

  @Test
  void shouldWarnOfFeaturesAnAlertCanNeverNameAsAReason() throws Exception {
    // A 'train --features all' model: context values such as 'missed' have no phrase.
    String all = builtInJson().replace("\"activeDays7Pct\"", "\"missed\"")
        .replace("\"clicks14Pct\"", "\"courseDay\"");
    ProcessorModel.load(builtInAs("all.json", all), warnings::add);
    assertThat(warnings).singleElement().asString()
        .contains("alerts never name missed, courseDay as a reason")
        .contains("--features")
        .doesNotContain("logCourseWeek");
    assertThat(all.toLowerCase(Locale.ROOT)).contains("logcourseweek");
  }

  @Test
  void shouldTellTrainWhatProcessWillRefuseOrNeverExplain() throws Exception {
    ProcessorModel.warnBeforeUse(RiskModel.builtIn(), "model file m.json", warnings::add);
    assertThat(warnings).isEmpty();
    RiskModel all = RiskModel.load(builtInAs("all.json",
        builtInJson().replace("\"activeDays7Pct\"", "\"missed\"")));
    ProcessorModel.warnBeforeUse(all, "model file all.json", warnings::add);
    assertThat(warnings).singleElement().asString().contains("alerts never name missed");
    warnings.clear();
    RiskModel foreign = RiskModel.load(builtInAs("foreign.json",
        builtInJson().replace("\"activeDays7Pct\"", "\"myFeature\"")));
    ProcessorModel.warnBeforeUse(foreign, "model file foreign.json", warnings::add);
    assertThat(warnings).singleElement().asString()
        .startsWith("warning: 'process --model' will refuse model file foreign.json: the processor"
            + " does not compute myFeature");
  }
}
