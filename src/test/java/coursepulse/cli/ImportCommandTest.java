package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.lms.oulad.OuladFixture;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ImportCommandTest {
  @TempDir Path tmp;

  private static int run(StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).setExecutionExceptionHandler(new ErrorHandler());
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void shouldWriteTheEventsAndOutcomesOnDryRun() throws Exception {
    Path oulad = OuladFixture.write(tmp.resolve("oulad"), OuladFixture.Layout.ORIGINAL);
    Path events = tmp.resolve("events.ndjson");
    Path outcomes = tmp.resolve("out/outcomes.csv");
    StringWriter err = new StringWriter();
    int code = run(err, "import", "oulad", "--dir", oulad.toString(), "--dry-run", "--output", events.toString(), "--outcomes", outcomes.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(Files.readAllLines(events)).hasSize(30).allSatisfy(l -> assertThat(l).startsWith("{\"type\":"));
    assertThat(Files.readAllLines(outcomes)).hasSize(7).first().isEqualTo("studentId,courseId,finalResult,withdrawnAt");
    assertThat(err.toString()).contains("done").contains("asset_accessed=8").contains("banked_submission=1");
  }

  @Test
  void shouldFillTheEmbeddedLogAndAppendNothingTheSecondTime() throws Exception {
    Path oulad = OuladFixture.write(tmp.resolve("oulad"), OuladFixture.Layout.PER_PRESENTATION);
    String[] args = {"import", "oulad", "--dir", oulad.toString(), "--broker", "embedded", "--embedded-dir", tmp.resolve("log").toString()};
    StringWriter first = new StringWriter();
    assertThat(run(first, args)).as(first.toString()).isZero();
    assertThat(first.toString()).contains("01-Enrollment=8 02-Login=8 03-Activity=14 skipped=0");
    StringWriter second = new StringWriter();
    assertThat(run(second, args)).as(second.toString()).isZero();
    assertThat(second.toString()).contains("01-Enrollment=0 02-Login=0 03-Activity=0 skipped=30")
        .contains("events of the import (appended now or before) {enrollment_created=6,");
  }

  @Test
  void shouldListTheCountsInSchemaOrderAndTrimThePresentations() throws Exception {
    Path oulad = OuladFixture.write(tmp.resolve("oulad"), OuladFixture.Layout.ORIGINAL);
    StringWriter err = new StringWriter();
    int code = run(err, "import", "oulad", "--dir", oulad.toString(), "--presentations", "AAA-2013J, BBB-2013J",
        "--dry-run", "--output", tmp.resolve("e.ndjson").toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString())
        .contains("events {enrollment_created=6, enrollment_dropped=2, logged_in=8, assignment_created=3,"
            + " submission_created=3, asset_accessed=8}, rows left out {banked_submission=1}");
  }

  @Test
  void shouldRefuseAnOutcomesFileItCannotWriteBeforeImporting() throws Exception {
    Path oulad = OuladFixture.write(tmp.resolve("oulad"), OuladFixture.Layout.ORIGINAL);
    Path events = tmp.resolve("events.ndjson");
    StringWriter err = new StringWriter();
    int code = run(err, "import", "oulad", "--dir", oulad.toString(), "--dry-run", "--output", events.toString(),
        "--outcomes", tmp.toString());
    assertThat(code).isNotZero();
    assertThat(err.toString()).contains(tmp + " is a directory: give the outcomes a file name");
    assertThat(events).doesNotExist();
  }

  @Test
  void shouldExplainABadStartOrAMissingDirectory() throws Exception {
    Path oulad = OuladFixture.write(tmp.resolve("oulad"), OuladFixture.Layout.ORIGINAL);
    StringWriter err = new StringWriter();
    assertThat(run(err, "import", "oulad", "--dir", oulad.toString(), "--dry-run", "--start", "AAA-2013J:2013-10-01")).isNotZero();
    assertThat(err.toString()).contains("expected PRESENTATION=DATE");
    StringWriter missing = new StringWriter();
    assertThat(run(missing, "import", "oulad", "--dir", tmp.resolve("nowhere").toString(), "--dry-run")).isNotZero();
    assertThat(missing.toString()).contains("is not a directory");
  }
}
