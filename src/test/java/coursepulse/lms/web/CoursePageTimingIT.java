package coursepulse.lms.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Page load times of a 500-student course with 20,000 alert rows (and 500 contacted, 35 days of
 * activity per student), printed, not asserted: the issue asks for under 200 ms; this measures
 * it on the machine at hand. Data is generated in SQL straight into the sink's tables.
 */
@ExtendWith(PostgresExtension.class)
class CoursePageTimingIT {

  @Test
  void shouldPrintPageTimesOfALargeCourse(PostgresDatabase database) throws Exception {
    try (HikariDataSource db =
        WebDatabase.open(database.jdbcUrl(), database.user(), database.password())) {
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO roster (student_id, course_id, role, name, email, enrolled_at)"
            + " SELECT 's' || i, 'BIG', 'student', 'Student ' || i, 's' || i || '@x.edu',"
            + " '2026-09-01' FROM generate_series(1, 500) i");
        s.execute("INSERT INTO roster (student_id, course_id, role, name, email, enrolled_at)"
            + " SELECT 's' || i, 'OTHER' || (i % 7), 'student', 'Student ' || i, null,"
            + " '2026-09-01' FROM generate_series(1, 3500) i");
        // 20,000 alerts in BIG (a quarter open), 60,000 in other courses, 5,000 student-level.
        s.execute("INSERT INTO alerts (alert_id, student_id, course_id, rule, severity,"
            + " opened_at, resolved_at, evidence, rules_version, last_offset)"
            + " SELECT 'a' || i, 's' || (1 + i % 500), 'BIG',"
            + " (ARRAY['LOGIN_INACTIVE','NO_SUBMISSIONS','MISSED_DEADLINES','ACTIVITY_DROP'])"
            + "[1 + i % 4], (ARRAY['low','medium','high'])[1 + i % 3],"
            + " timestamptz '2026-09-01' + i * interval '5 minutes',"
            + " CASE WHEN i % 4 = 0 THEN NULL ELSE timestamptz '2026-09-02' + i *"
            + " interval '5 minutes' END, '{\"inactiveDays\": 9, \"thresholdDays\": 7}',"
            + " 'default-2', i FROM generate_series(1, 20000) i");
        s.execute("INSERT INTO alerts (alert_id, student_id, course_id, rule, severity,"
            + " opened_at, evidence, rules_version, last_offset)"
            + " SELECT 'o' || i, 's' || (1 + i % 3500), 'OTHER' || (i % 7), 'NO_SUBMISSIONS',"
            + " 'low', timestamptz '2026-09-01' + i * interval '1 minute', '{}', 'default-2', i"
            + " FROM generate_series(1, 60000) i");
        s.execute("INSERT INTO alerts (alert_id, student_id, course_id, rule, severity,"
            + " opened_at, evidence, rules_version, last_offset)"
            + " SELECT 'l' || i, 's' || (1 + i % 4000), NULL, 'LOGIN_INACTIVE', 'medium',"
            + " timestamptz '2026-09-01' + i * interval '10 minutes', '{}', 'default-2', i"
            + " FROM generate_series(1, 5000) i");
        s.execute("INSERT INTO daily_activity (student_id, course_id, day, clicks, submissions)"
            + " SELECT 's' || i, 'BIG', date '2026-10-01' + d, 1 + (i + d) % 9, 0"
            + " FROM generate_series(1, 500) i, generate_series(0, 34) d");
        s.execute("INSERT INTO sink_positions (sink_name, stream, last_offset, max_event_time)"
            + " VALUES ('t', '04-Alerts', 1, '2026-11-05T00:00:00Z')");
        s.execute("ANALYZE");
      }
      Accounts accounts = new Accounts(db);
      long id = accounts.addOrUpdate("big", "Big Course", null, "timing password".toCharArray(),
          "instructor", "UTC", List.of("BIG"));
      try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
        s.execute("INSERT INTO triage_log (alert_id, course_id, student_id, rule, user_id,"
            + " as_of, action, channel) SELECT 'a' || i, 'BIG', 's' || (1 + i % 500),"
            + " (ARRAY['LOGIN_INACTIVE','NO_SUBMISSIONS','MISSED_DEADLINES','ACTIVITY_DROP'])"
            + "[1 + i % 4], " + id + ", '2026-10-20', 'contact', 'email'"
            + " FROM generate_series(1, 2000, 4) i");
        s.execute("ANALYZE");
      }
      try (WebServer web = WebServer.start(db,
          new WebServer.Options("127.0.0.1", 0, false, Duration.ofHours(1)), null)) {
        WebBrowserIT.base = "http://127.0.0.1:" + web.port();
        HttpClient http = HttpClient.newBuilder().build();
        String session = signIn(http);
        for (String path : List.of("/courses", "/courses/BIG", "/courses/BIG?status=all",
            "/courses/BIG?status=all&sort=name", "/courses/BIG/students/s42",
            "/courses/BIG/alerts.csv?status=all")) {
          long[] ms = new long[21];
          int bytes = 0;
          for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                URI.create(WebBrowserIT.base + path)).header("Cookie", session).build(),
                HttpResponse.BodyHandlers.ofString());
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(200);
            bytes = r.body().length();
          }
          long[] warm = Arrays.copyOfRange(ms, 1, ms.length);
          Arrays.sort(warm);
          System.out.printf(Locale.ROOT,
              "page %-40s first %4d ms, median %4d ms, max %4d ms of %d warm loads, %,d chars%n",
              path, ms[0], warm[warm.length / 2], warm[warm.length - 1], warm.length, bytes);
        }
      }
    }
  }

  private static String signIn(HttpClient http) throws Exception {
    HttpClient noRedirect =
        HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    HttpResponse<String> form = WebBrowserIT.get(noRedirect, "/login", null);
    String loginCookie = WebBrowserIT.cookie(form, WebServer.LOGIN_COOKIE);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(form.body());
    assertThat(m.find()).isTrue();
    HttpResponse<String> r = WebBrowserIT.post(noRedirect, "/login",
        "login=big&password=timing+password&csrf=" + m.group(1),
        WebServer.LOGIN_COOKIE + "=" + loginCookie);
    assertThat(r.statusCode()).isEqualTo(302);
    return WebServer.SESSION_COOKIE + "=" + WebBrowserIT.cookie(r, WebServer.SESSION_COOKIE);
  }
}
