package coursepulse.lms.outcome;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The outcomes file both {@code train} and {@code evaluate --outcomes} read. */
class OutcomesFileTest {
  @TempDir Path dir;

  private Path file(String content) throws Exception {
    Path p = dir.resolve("outcomes.csv");
    Files.writeString(p, content, UTF_8);
    return p;
  }

  private Path lines(String... rows) throws Exception {
    return file(OutcomesFile.HEADER + "\n" + String.join("\n", rows) + "\n");
  }

  @Test
  void shouldReadWhatItWrites() throws Exception {
    List<Outcome> outcomes =
        List.of(
            new Outcome("1", "AAA-2013J", FinalResult.PASS, null),
            new Outcome("2", "AAA-2013J", FinalResult.WITHDRAWN, Instant.parse("2013-11-01T00:00:00Z")),
            new Outcome("3", "AAA-2013J", FinalResult.FAIL, Instant.parse("2013-12-01T00:00:00Z")));
    Path p = dir.resolve("o.csv");
    OutcomesFile.write(p, outcomes);
    assertThat(OutcomesFile.read(p)).isEqualTo(outcomes);
  }

  @Test
  void shouldRefuseASecondLineForTheSamePairWhetherItAgreesOrNot() throws Exception {
    Path conflicting = lines("1,AAA-2013J,Pass,", "2,AAA-2013J,Pass,", "1,AAA-2013J,Withdrawn,");
    assertThatThrownBy(() -> OutcomesFile.read(conflicting))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(conflicting + ": line 4: 1 in AAA-2013J is on line 2 already: keep one line per"
            + " student and course");
    Path repeated = lines("1,AAA-2013J,Pass,", "1,AAA-2013J,Pass,");
    assertThatThrownBy(() -> OutcomesFile.read(repeated)).hasMessageContaining("line 3: 1 in");
  }

  @Test
  void shouldRefuseAWithdrawalDateOnAPassButKeepItOnAFail() throws Exception {
    Path pass = lines("1,AAA-2013J,Pass,2013-11-01T00:00:00Z");
    assertThatThrownBy(() -> OutcomesFile.read(pass))
        .hasMessageContaining("line 2: Pass with withdrawnAt 2013-11-01T00:00:00Z: only a Withdrawn"
            + " or Fail result has a withdrawal date");
    assertThatThrownBy(() -> OutcomesFile.read(lines("1,AAA-2013J,Distinction,2013-11-01T00:00:00Z")))
        .hasMessageContaining("Distinction with withdrawnAt");
    // OULAD: nine students unregistered and have final_result Fail (docs/oulad.md).
    assertThat(OutcomesFile.read(lines("1,AAA-2013J,Fail,2013-11-01T00:00:00Z")).get(0).withdrawnAt())
        .isEqualTo(Instant.parse("2013-11-01T00:00:00Z"));
  }

  @Test
  void shouldReadAFileWithAByteOrderMarkAndSayAnEmptyOneIsEmpty() throws Exception {
    assertThat(OutcomesFile.read(file("\uFEFF" + OutcomesFile.HEADER + "\n1,AAA-2013J,Pass,\n")))
        .hasSize(1);
    Path empty = file("");
    assertThatThrownBy(() -> OutcomesFile.read(empty))
        .hasMessageStartingWith(empty + " is empty: line 1 must be '" + OutcomesFile.HEADER + "'");
  }
}
