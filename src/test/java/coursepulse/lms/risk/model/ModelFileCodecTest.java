package coursepulse.lms.risk.model;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileCodecTest {
  @TempDir Path dir;

  private static final String VALID =
      """
      {"format": 1, "name": "m", "features": [
        {"name": "a", "transform": "none", "mean": 0.5, "std": 2, "coefficient": 1.25}],
       "intercept": -1}
      """;

  private Path file(String content) throws Exception {
    Path p = dir.resolve("model.json");
    Files.writeString(p, content, UTF_8);
    return p;
  }

  private void assertLoadFails(String content, String... messageParts) throws Exception {
    Path p = file(content);
    assertThatThrownBy(() -> RiskModel.load(p))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("model file " + p)
        .hasMessageContainingAll(messageParts);
  }

  @Test
  void shouldLoadAMinimalHandWrittenModel() throws Exception {
    RiskModel m = RiskModel.load(file(VALID));
    assertThat(m.featureNames()).containsExactly("a");
    assertThat(m.file().training()).isNull();
    assertThat(m.file().features().get(0))
        .isEqualTo(new ModelFile.Feature("a", Transform.NONE, 0.5, 2, 1.25));
  }

  @Test
  void shouldRoundTripEveryFieldInAFixedOrder() {
    ModelFile full =
        new ModelFile(
            "oulad",
            "trained on 2013B",
            List.of(new ModelFile.Feature("days", Transform.LOG1P, 1.2345678912, 0.1, -3e-9)),
            0.25,
            0.5,
            new ModelFile.Training(
                Instant.parse("2013-02-11T00:00:00Z"),
                Instant.parse("2013-06-30T00:00:00Z"),
                List.of("AAA-2013B", "BBB-2013B"),
                1000,
                100,
                0.41234,
                0.2),
            new ModelFile.HeldOut(
                200, 20, 0.4, 0.81234, new TreeMap<>(java.util.Map.of(2, 0.7, 4, 0.75)), 0.5),
            "lib 1.0");
    byte[] bytes = ModelFileCodec.write(full);
    String text = new String(bytes, UTF_8);
    assertThat(text)
        .contains("\"mean\" : 1.2345679,")
        .contains("\"coefficient\" : -0.000000003\n")
        .contains("\"c\" : 0.5,")
        .contains("\"n\" : 200,")
        .contains("\"positiveRate\" : 0.4123,")
        .doesNotContain("E-")
        .doesNotContain("E+")
        .doesNotContain("\r")
        .endsWith("}\n");
    assertThat(text.indexOf("\"format\"")).isLessThan(text.indexOf("\"name\""));
    assertThat(text.indexOf("\"intercept\"")).isLessThan(text.indexOf("\"training\""));
    assertThat(text.indexOf("\"heldOut\"")).isLessThan(text.indexOf("\"trainedWith\""));
    ModelFile back = ModelFileCodec.read(bytes, "x");
    assertThat(back.training().courses()).containsExactly("AAA-2013B", "BBB-2013B");
    assertThat(back.heldOut().aucByWeek()).containsEntry(4, 0.75);
    assertThat(back.heldOut().auc()).isEqualTo(0.8123);
    assertThat(ModelFileCodec.write(back)).isEqualTo(bytes);
  }

  @Test
  void shouldNameTheFileWhenItIsMissing() {
    Path p = dir.resolve("nope.json");
    assertThatThrownBy(() -> RiskModel.load(p))
        .hasMessageContaining("model file " + p + " does not exist")
        .hasMessageContaining("coursepulse train");
  }

  @Test
  void shouldRefuseInvalidJsonWithItsPosition() throws Exception {
    assertLoadFails("{\"format\": 1,\n \"name\": }", "is not valid JSON", "line 2");
  }

  @Test
  void shouldRefuseAnUnknownFormatVersion() throws Exception {
    assertLoadFails(
        VALID.replace("\"format\": 1", "\"format\": 2"),
        "format 2 is not supported",
        "reads format 1");
    assertLoadFails(VALID.replace("\"format\": 1,", ""), "missing 'format'");
  }

  @Test
  void shouldRefuseMissingOrInvalidFields() throws Exception {
    assertLoadFails(VALID.replace("\"std\": 2, ", ""), "features[0] (a): missing 'std'");
    assertLoadFails(VALID.replace("\"std\": 2", "\"std\": 0"), "'std' must be > 0");
    assertLoadFails(VALID.replace("\"none\"", "\"sqrt\""), "unknown transform 'sqrt'", "log1p");
    assertLoadFails(
        VALID.replace("\"intercept\": -1", "\"intercept\": \"-1\""),
        "missing 'intercept' (a number)");
    assertLoadFails(VALID.replace("\"name\": \"m\", ", ""), "missing 'name'");
    assertLoadFails(
        VALID.replace("\"features\": [", "\"features\": [], \"x\": ["),
        "'features' must be a non-empty array");
    assertLoadFails(
        VALID.replace("\"coefficient\": 1.25}", "\"coefficient\": 1.25}, {\"name\": \"a\"}"),
        "features[1]: feature 'a' appears twice");
    assertLoadFails("[]", "expected a JSON object");
  }

  @Test
  void shouldRefuseWeightsNoFittedModelHas() throws Exception {
    // ±1e308 made every score 0 or 1: 2,704 openings on AAA-2013J instead of 180.
    assertLoadFails(
        VALID.replace("\"coefficient\": 1.25", "\"coefficient\": 1e308"),
        "feature 'a': coefficient is 1.0E308",
        "outside the ±100 log-odds",
        "retrain");
    assertLoadFails(
        VALID.replace("\"intercept\": -1", "\"intercept\": -1e308"), "intercept is -1.0E308");
    assertLoadFails(
        VALID.replace("\"coefficient\": 1.25", "\"coefficient\": 1e999"),
        "missing 'coefficient' (a number)");
    assertThat(
            RiskModel.load(file(VALID.replace("\"coefficient\": 1.25", "\"coefficient\": -100")))
                .file()
                .features()
                .get(0)
                .coefficient())
        .isEqualTo(-100);
  }

  @Test
  void shouldRefuseARepeatedKeyInsteadOfKeepingTheLast() throws Exception {
    assertLoadFails(
        VALID.replace("\"coefficient\": 1.25", "\"coefficient\": 1.25, \"coefficient\": 9"),
        "is not valid JSON",
        "Duplicate field 'coefficient'");
  }

  @Test
  void shouldRefuseAnAucThatIsNotANumberInTheUnitInterval() throws Exception {
    String heldOut =
        ", \"heldOut\": {\"n\": 10, \"pairs\": 5, \"positiveRate\": 0.5, \"auc\": 0.7,"
            + " \"aucByWeek\": {\"2\": WEEK}, \"logLoss\": 0.6}}";
    String ok = VALID.replace("\"intercept\": -1", "\"intercept\": -1" + heldOut);
    assertThat(RiskModel.load(file(ok.replace("WEEK", "0.6"))).file().heldOut().aucByWeek())
        .containsEntry(2, 0.6);
    assertLoadFails(ok.replace("WEEK", "\"abc\""), "heldOut.aucByWeek: missing '2' (a number)");
    assertLoadFails(ok.replace("WEEK", "1.5"), "'2' must be in [0, 1], is 1.5");
  }
}
