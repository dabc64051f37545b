package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.oulad.OuladFixture;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import oulad} into RabbitMQ: a second import of the same tables appends nothing, and the
 * alerting application run on the imported streams raises alerts about the imported students.
 */
@ExtendWith(RabbitMqExtension.class)
class OuladImportIT {

  private static int run(StringWriter err, String... args) {
    return InProcess.run(err, args);
  }

  @Test
  void shouldImportWithoutDuplicatesOnARerunAndRaiseAlertsOnTheImport(RabbitVhost vhost, @TempDir Path dir)
      throws Exception {
    Path oulad = OuladFixture.write(dir.resolve("oulad"), OuladFixture.Layout.ORIGINAL);
    Path outcomes = dir.resolve("outcomes.csv");
    String[] args = {"import", "oulad", "--dir", oulad.toString(), "--uri", vhost.uri(), "--outcomes", outcomes.toString()};
    StringWriter first = new StringWriter();
    assertThat(run(first, args)).as(first.toString()).isZero();
    assertThat(first.toString()).contains("done").contains("01-Enrollment=8 02-Login=8 03-Activity=14 skipped=0");
    StringWriter second = new StringWriter();
    assertThat(run(second, args)).as(second.toString()).isZero();
    assertThat(second.toString()).contains("01-Enrollment=0 02-Login=0 03-Activity=0 skipped=30");

    try (RabbitStreamLog log = vhost.openLog()) {
      Map<String, Integer> expected = Map.of(StreamNames.ENROLLMENT, 8, StreamNames.LOGIN, 8, StreamNames.ACTIVITY, 14);
      for (String stream : StreamNames.INPUTS) {
        List<byte[]> bodies = StreamDump.bodies(log, stream);
        Set<String> distinct = new HashSet<>();
        bodies.forEach(b -> distinct.add(new String(b, StandardCharsets.UTF_8)));
        assertThat(bodies).as(stream).hasSize(expected.get(stream));
        assertThat(distinct).as(stream + " without duplicates").hasSize(bodies.size());
      }
    }
    assertThat(Files.readAllLines(outcomes)).hasSize(7).contains("oulad-12,AAA-2013J,Withdrawn,2013-10-14T00:00:00Z");

    // Eight enrolments give the default risk score no cohort to rank in; the login rule shows that
    // the imported events reach the rules with their event times.
    Path rules = Files.writeString(dir.resolve("rules.yaml"), """
        version: "oulad-it"
        loginInactive: { enabled: true }
        riskScore: { enabled: false }
        """);
    StringWriter processed = new StringWriter();
    assertThat(run(processed, "process", "--uri", vhost.uri(), "--application-id", "oulad-it",
            "--rules", rules.toString(),
            "--state-dir", dir.resolve("state").toString(), "--stop-when-idle", "3", "--metrics-port", "0", "--quiet"))
        .as(processed.toString())
        .isZero();
    List<Alert> alerts;
    try (RabbitStreamLog log = vhost.openLog()) {
      // a run under its own application id writes <id>-alerts, never 04-Alerts
      alerts = StreamDump.bodies(log, "oulad-it-alerts").stream().map(AlertCodec::decode).toList();
    }
    // student 14 registered and never came back: a login alert a week into the course
    assertThat(alerts).isNotEmpty().allMatch(a -> a.studentId().startsWith("oulad-"));
    assertThat(alerts).anyMatch(a -> a.studentId().equals("oulad-14"));
  }
}
