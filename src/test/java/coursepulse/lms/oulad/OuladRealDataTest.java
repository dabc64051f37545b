package coursepulse.lms.oulad;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.lms.publish.PublishableEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * The importer on the real dataset, one presentation, its event counts against row counts of the
 * tables taken here with a plain split (not the importer's reader).
 */
class OuladRealDataTest {
  private static final String COURSE = "GGG-2013J";

  private static List<String[]> rows(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream().skip(1).map(l -> l.split(",", -1)).toList();
  }

  @Test
  void shouldEmitAsManyEventsOfEachTypeAsThePresentationHasRows() throws IOException {
    Path dir = RealOulad.dir();
    String[] mp = COURSE.split("-");
    long registrations = 0;
    long withdrawals = 0;
    for (String[] r : rows(dir.resolve("studentRegistration.csv"))) {
      if (r[0].equals(mp[0]) && r[1].equals(mp[1])) {
        registrations++;
        withdrawals += r[4].isEmpty() ? 0 : 1;
      }
    }
    Map<String, Integer> dueDay = new HashMap<>();
    for (String[] a : rows(dir.resolve("assessments.csv"))) {
      if (a[0].equals(mp[0]) && a[1].equals(mp[1]) && !a[4].isEmpty()) {
        dueDay.put(a[2], Integer.parseInt(a[4]));
      }
    }
    Set<String> sessions = new HashSet<>();
    Set<String> handedIn = new HashSet<>();
    long submissions = 0;
    for (String[] s : rows(dir.resolve("studentAssessment.csv"))) {
      if (dueDay.containsKey(s[0]) && s[3].equals("0")) {
        submissions++;
        handedIn.add(s[0]);
        sessions.add(s[1] + "@" + s[2]);
      }
    }
    long clicks = 0;
    try (BufferedReader r = new BufferedReader(new InputStreamReader(
        new GZIPInputStream(Files.newInputStream(dir.resolve("studentVle/" + COURSE + ".csv.gz"))), StandardCharsets.UTF_8))) {
      r.readLine();
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split(",", -1);
        clicks++;
        sessions.add(f[2] + "@" + f[4]);
      }
    }

    Map<String, Long> counts;
    try (OuladImport feed = OuladImport.open(dir, List.of(COURSE), OuladCalendar.standard())) {
      long[] perStream = new long[3];
      for (PublishableEvent e = feed.next(); e != null; e = feed.next()) {
        assertThat(e.sequence()).isEqualTo(perStream[e.streamIndex()]++);
      }
      counts = feed.counts();
    }
    // GGG-2013J's exam has a date but no submission in the tables: not published as a deadline.
    assertThat(handedIn).hasSize(dueDay.size() - 1);
    assertThat(counts)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "enrollment_created", registrations,
                "enrollment_dropped", withdrawals,
                "assignment_created", (long) handedIn.size(),
                "submission_created", submissions,
                "asset_accessed", clicks,
                "logged_in", (long) sessions.size()));
    assertThat(clicks).isGreaterThan(100_000);
  }
}
