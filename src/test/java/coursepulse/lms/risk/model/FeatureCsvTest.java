package coursepulse.lms.risk.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureCsvTest {
  @TempDir Path dir;

  private Path csv(String content) throws Exception {
    Path p = dir.resolve("rows.csv");
    Files.writeString(p, content);
    return p;
  }

  @Test
  void shouldReadRowsWithMissingValuesAndTheirCourseDay() throws Exception {
    TrainingSet set =
        FeatureCsv.read(
            csv(
                "studentId,courseId,at,label,scoreRel,courseDay\n"
                    + "s2,AAA-2013B,2013-02-18T00:00:00Z,1,,14\n"
                    + "\n"
                    + "s1,AAA-2013B,2013-02-11T00:00:00Z,0,0.9,7\n"));
    assertThat(set.featureNames()).containsExactly("scoreRel", "courseDay");
    assertThat(set.rows()).extracting(TrainingSet.Row::studentId).containsExactly("s1", "s2");
    TrainingSet.Row s2 = set.rows().get(1);
    assertThat(s2.atRisk()).isTrue();
    assertThat(s2.courseDay()).isEqualTo(14);
    assertThat(s2.values()[0]).isNaN();
  }

  @Test
  void shouldWriteWhatItReads() throws Exception {
    TrainingSet set = TrainingSet.of(SyntheticRows.FEATURES, SyntheticRows.draw(5, 3, 2));
    Path out = dir.resolve("out.csv");
    FeatureCsv.write(out, set);
    TrainingSet back = FeatureCsv.read(out);
    assertThat(back.featureNames()).isEqualTo(set.featureNames());
    assertThat(back.rows()).hasSize(6);
    for (int i = 0; i < 6; i++) {
      assertThat(back.rows().get(i).values()).containsExactly(set.rows().get(i).values());
      assertThat(back.rows().get(i).atRisk()).isEqualTo(set.rows().get(i).atRisk());
    }
  }

  @Test
  void shouldNameTheLineOfMalformedInput() throws Exception {
    String header = "studentId,courseId,at,label,x\n";
    assertThatThrownBy(() -> FeatureCsv.read(csv("studentId,at,label,x\n")))
        .hasMessageContaining("line 1 must be 'studentId,courseId,at,label'");
    assertThatThrownBy(() -> FeatureCsv.read(csv(header + "s,c,2013-02-11T00:00:00Z,yes,1\n")))
        .hasMessageContaining("line 2: label 'yes' is not 0 or 1");
    assertThatThrownBy(() -> FeatureCsv.read(csv(header + "s,c,2013-02-11,1,1\n")))
        .hasMessageContaining("line 2: at '2013-02-11' is not an ISO-8601 instant");
    assertThatThrownBy(() -> FeatureCsv.read(csv(header + "s,c,2013-02-11T00:00:00Z,1\n")))
        .hasMessageContaining("line 2 has 4 fields, the header 5");
  }

  @Test
  void shouldRefuseARepeatedOrBlankColumnThatWouldMakeAModelProcessRefuses() throws Exception {
    assertThatThrownBy(() -> FeatureCsv.read(csv("studentId,courseId,at,label,x,y,x\n")))
        .hasMessageEndingWith("line 1: feature 'x' is named twice: name each feature once");
    assertThatThrownBy(() -> FeatureCsv.read(csv("studentId,courseId,at,label,x,\n")))
        .hasMessageContaining("line 1: feature 2 has no name (a trailing or doubled comma?)");
  }

  @Test
  void shouldRefuseASecondRowOfTheSameCutOffThatWouldWeighTwice() throws Exception {
    String header = "studentId,courseId,at,label,x,courseDay\n";
    assertThatThrownBy(
            () ->
                FeatureCsv.read(
                    csv(
                        header
                            + "s1,AAA,2013-02-11T00:00:00Z,0,1,7\n"
                            + "s1,AAA,2013-02-18T00:00:00Z,0,1,14\n"
                            + "s1,AAA,2013-02-11T00:00:00Z,0,1,7\n")))
        .hasMessageContaining(
            "line 4: student s1 in AAA at course day 7 has a row on line 2 already");
    assertThatThrownBy(
            () ->
                FeatureCsv.read(
                    csv(
                        "studentId,courseId,at,label,x\n"
                            + "s1,AAA,2013-02-11T00:00:00Z,0,1\n"
                            + "s1,AAA,2013-02-11T00:00:00Z,1,2\n")))
        .hasMessageContaining("line 3: student s1 in AAA at 2013-02-11T00:00:00Z has a row on line 2");
  }

  @Test
  void shouldReadAHeaderAfterAByteOrderMark() throws Exception {
    assertThat(
            FeatureCsv.read(csv("\uFEFFstudentId,courseId,at,label,x\ns,c,2013-02-11T00:00:00Z,1,1\n"))
                .rows())
        .hasSize(1);
  }
}
