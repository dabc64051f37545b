package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.lms.outcome.FinalResult;
import coursepulse.lms.outcome.Outcome;
import coursepulse.lms.outcome.OutcomesFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProduceCommandTest {
  @TempDir Path dir;

  private static int run(StringWriter err, String... args) {
    CommandLine cl =
        new CommandLine(new ProduceCommand())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler(new ErrorHandler());
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void shouldWriteNdjsonAndGroundTruthOnDryRun() throws Exception {
    Path out = dir.resolve("events.ndjson");
    Path truth = dir.resolve("truth/gt.csv");
    StringWriter err = new StringWriter();
    int code = run(err, "--students", "50", "--days", "7", "--dry-run", "--output", out.toString(), "--ground-truth", truth.toString());
    assertThat(code).isZero();
    List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
    assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{\"type\":"));
    List<String> gt = Files.readAllLines(truth, StandardCharsets.UTF_8);
    assertThat(gt.get(0)).isEqualTo("studentId,courseId,persona,disengagedAt");
    assertThat(gt.size()).isGreaterThan(50);
    assertThat(err.toString()).contains("done").contains("01-Enrollment=");
  }

  @Test
  void shouldStartATermOnAnyDay() throws Exception {
    Path out = dir.resolve("thursday.ndjson");
    StringWriter err = new StringWriter();
    int code = run(err, "--start", "2026-09-10", "--students", "20", "--days", "14", "--dry-run", "--output", out.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readAllLines(out, StandardCharsets.UTF_8))
        .anySatisfy(l -> assertThat(l).contains("\"courseStart\":\"2026-09-10T"));
  }

  @Test
  void shouldWriteOutcomesThatFollowTheGroundTruth() throws Exception {
    Path truth = dir.resolve("gt.csv");
    Path outcomes = dir.resolve("outcomes.csv");
    StringWriter err = new StringWriter();
    int code = run(err, "--students", "300", "--dry-run", "--output", dir.resolve("e.ndjson").toString(),
        "--ground-truth", truth.toString(), "--outcomes", outcomes.toString(), "--quiet");
    assertThat(code).as(err.toString()).isZero();
    List<String> gt = Files.readAllLines(truth, StandardCharsets.UTF_8);
    List<Outcome> out = OutcomesFile.read(outcomes);
    assertThat(out).hasSize(gt.size() - 1);
    for (int i = 0; i < out.size(); i++) {
      String[] g = gt.get(i + 1).split(",", -1);
      Outcome o = out.get(i);
      assertThat(o.studentId() + "," + o.courseId()).isEqualTo(g[0] + "," + g[1]);
      if (g[3].isEmpty()) {
        assertThat(o.finalResult()).isEqualTo(FinalResult.PASS);
      } else if (g[2].equals("dropout")) {
        assertThat(o.finalResult()).isEqualTo(FinalResult.WITHDRAWN);
        assertThat(o.withdrawnAt()).isAfter(java.time.Instant.parse(g[3]));
      } else {
        assertThat(o.finalResult()).isEqualTo(FinalResult.FAIL);
      }
    }
    assertThat(out).extracting(Outcome::finalResult).contains(FinalResult.PASS, FinalResult.FAIL, FinalResult.WITHDRAWN);
  }

  @Test
  void shouldFillTheEmbeddedLogAndResumeWithoutDuplicates() {
    // metrics on a free port: the default 9465 may be taken by a producer running on this machine
    String[] args = {"--students", "40", "--days", "7", "--broker", "embedded", "--embedded-dir", dir.resolve("log").toString(), "--metrics-port", "0"};
    StringWriter first = new StringWriter();
    assertThat(run(first, args)).as(first.toString()).isZero();
    assertThat(first.toString()).contains("done").doesNotContain("02-Login=0 ");
    StringWriter second = new StringWriter();
    assertThat(run(second, args)).as(second.toString()).isZero();
    assertThat(second.toString()).contains("01-Enrollment=0 02-Login=0 03-Activity=0");
  }

  /** A longer term with the same seed was appended as a second copy of the first 30 days. */
  @Test
  void shouldRefuseAnotherSimulationOntoTheStreamsOfTheFirst() {
    String log = dir.resolve("log2").toString();
    StringWriter first = new StringWriter();
    assertThat(run(first, "--students", "20", "--days", "7", "--broker", "embedded",
            "--embedded-dir", log, "--metrics-port", "0"))
        .as(first.toString())
        .isZero();
    StringWriter second = new StringWriter();
    assertThat(run(second, "--students", "20", "--days", "14", "--broker", "embedded",
            "--embedded-dir", log, "--metrics-port", "0"))
        .isNotZero();
    assertThat(second.toString()).contains("Publish one simulation per log");
    StringWriter again = new StringWriter();
    assertThat(run(again, "--students", "20", "--days", "7", "--broker", "embedded",
            "--embedded-dir", log, "--metrics-port", "0"))
        .as("the first simulation resumes: " + again)
        .isZero();
    assertThat(again.toString()).contains("01-Enrollment=0 02-Login=0 03-Activity=0");
  }

  @Test
  void shouldBeRegisteredInMainWithHelp() {
    assertThat(Main.run("produce", "--help")).isZero();
  }

  @Test
  void shouldRefuseAnOutputFileWithoutDryRunInsteadOfPublishing() {
    Path out = dir.resolve("never.ndjson");
    Path log = dir.resolve("log");
    StringWriter err = new StringWriter();
    int code = InProcess.run(err, "produce", "--broker", "embedded", "--embedded-dir", log.toString(),
        "--students", "5", "--days", "3", "--output", out.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--output writes NDJSON only with --dry-run: add --dry-run");
    assertThat(out).doesNotExist();
    assertThat(log).doesNotExist(); // nothing was published either
  }

  @Test
  void shouldNameThePresentationOptionAndThePresentationsFound() throws Exception {
    Path oulad = dir.resolve("oulad");
    Files.createDirectories(oulad);
    Files.writeString(oulad.resolve("courses.csv"),
        "code_module,code_presentation,module_presentation_length\nAAA,2013J,268\nBBB,2013B,240\n");
    StringWriter err = new StringWriter();
    int code = run(err, "--calibration-report", "--oulad", oulad.toString(),
        "--oulad-presentation", "2099X", "--students", "5", "--days", "3");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString())
        .contains("has no presentation 2099X (it has 2013B, 2013J): give one of those as"
            + " --oulad-presentation")
        .doesNotContain("--oulad DIR");
  }

  /** A heap too small for --students ends with one line saying what to do, not a stack trace. */
  @Test
  void shouldSayInOneLineWhenTheHeapIsTooSmallForTheStudents() throws Exception {
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx48m",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "produce", "--dry-run", "--output", dir.resolve("big.ndjson").toString(),
                "--students", "5000000", "--days", "1", "--term-weeks", "1", "--quiet")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    assertThat(child.waitFor(120, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    String log = Files.readString(dir.resolve("child.log"));
    assertThat(child.exitValue()).as(log).isEqualTo(ErrorHandler.EXIT_FAILURE);
    assertThat(log)
        .contains("coursepulse: out of memory simulating 5,000,000 students with a maximum heap of")
        .contains("lower --students or give java a larger -Xmx")
        .doesNotContain("java.lang.OutOfMemoryError")
        .doesNotContain("\tat ");
  }
}
