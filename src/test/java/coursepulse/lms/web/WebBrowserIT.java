package coursepulse.lms.web;

import static coursepulse.lms.web.WebFixtures.assignment;
import static coursepulse.lms.web.WebFixtures.click;
import static coursepulse.lms.web.WebFixtures.enrol;
import static coursepulse.lms.web.WebFixtures.login;
import static coursepulse.lms.web.WebFixtures.opened;
import static coursepulse.lms.web.WebFixtures.submission;
import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.sink.AlertSink;
import coursepulse.testing.PostgresDatabase;
import coursepulse.testing.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.File;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The instructors' pages in a real headless Chromium (Debian's chromium and chromium-driver), on
 * data the real sink wrote to a real PostgreSQL: sign in, open a course, snooze an alert, mark one
 * contacted, another instructor of the course sees both, a course the instructor does not teach
 * is refused; screenshots of the course and student pages go to docs/.
 */
@ExtendWith(PostgresExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebBrowserIT {

  static final String C1 = "BBB-2026J";
  static final String C2 = "CCC-2026J";
  static final String PASSWORD = "correct horse battery";
  static final Instant NOW = Instant.parse("2026-10-20T12:00:00Z");

  static EmbeddedStreamLog log;
  static List<AlertSink> sinks;
  static HikariDataSource db;
  static WebServer web;
  static String base;
  static SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @BeforeAll
  static void setUp(PostgresDatabase database) throws Exception {
    log = EmbeddedStreamLog.inMemory();
    List<LmsEvent> events = new ArrayList<>();
    String[] names = {"Ada Lovelace", "Grace Hopper", "Alan Turing", "Edsger Dijkstra",
        "Barbara Liskov"};
    for (int i = 0; i < names.length; i++) {
      events.add(enrol("s" + i, C1, "student", names[i]));
    }
    events.add(enrol("s9", C2, "student", "Donald Knuth"));
    events.add(enrol("t1", C1, "TeacherEnrollment", "Bob Teacher"));
    events.add(assignment(C1, "a1", NOW.minus(Duration.ofDays(20))));
    events.add(assignment(C1, "a2", NOW.minus(Duration.ofDays(5))));
    events.add(submission("s1", C1, "a1", NOW.minus(Duration.ofDays(19)), true));
    for (int d = 60; d > 0; d -= 3) {
      Instant t = NOW.minus(Duration.ofDays(d));
      events.add(login("s0", t));
      events.add(click("s0", C1, t, 5 + d % 7));
      if (d > 14) {
        events.add(click("s1", C1, t, 3));
      }
    }
    events.add(click("s3", C1, NOW, 1));
    WebFixtures.publishEvents(log, events);
    WebFixtures.publish(log, StreamNames.ALERTS, List.of(
        opened("a000000000000001", "LOGIN_INACTIVE", "medium", "s1", null,
            NOW.minus(Duration.ofDays(10)), "{\"inactiveDays\":14,\"thresholdDays\":7}", null),
        opened("a000000000000002", "ACTIVITY_DROP", "high", "s2", C1,
            NOW.minus(Duration.ofDays(3)), "{\"modelVersion\":\"m1\"}",
            "\"score\":0.8731,\"factors\":[\"no activity for 12 days\","
                + "\"missed 2 of 3 assignments\"]"),
        opened("a000000000000003", "MISSED_DEADLINES", "medium", "s4", C1,
            NOW.minus(Duration.ofDays(2)), "{\"missed\":2,\"due\":3}", null),
        opened("a000000000000004", "NO_SUBMISSIONS", "low", "s9", C2,
            NOW.minus(Duration.ofDays(2)), "{\"daysWithoutSubmission\":21}", null)));
    sinks = WebFixtures.startSinks(log, database);
    WebFixtures.awaitApplied(log, sinks);

    db = WebDatabase.open(database.jdbcUrl(), database.user(), database.password());
    Accounts accounts = new Accounts(db);
    accounts.addOrUpdate("alice", "Alice Instructor", "alice@example.edu",
        PASSWORD.toCharArray(), "instructor", "Europe/London", List.of(C1));
    // t1 came from a TeacherEnrollment in the stream: an admin gives it a password.
    accounts.addOrUpdate("t1", null, null, PASSWORD.toCharArray(), "instructor", "UTC",
        List.of());
    accounts.addOrUpdate("carol", "Carol Other", null, PASSWORD.toCharArray(), "instructor",
        "UTC", List.of(C2));
    web = WebServer.start(db, new WebServer.Options("127.0.0.1", 0, false, Duration.ofHours(1)),
        registry);
    base = "http://127.0.0.1:" + web.port();
  }

  @AfterAll
  static void tearDown() {
    if (web != null) {
      web.close();
    }
    if (db != null) {
      db.close();
    }
    if (sinks != null) {
      sinks.forEach(AlertSink::close);
    }
    if (log != null) {
      log.close();
    }
  }

  static WebDriver chromium() throws Exception {
    Assumptions.assumeTrue(new File("/usr/bin/chromedriver").canExecute()
            || "true".equalsIgnoreCase(System.getenv("CI")),
        "chromium-driver is not installed (apt-get install chromium chromium-driver)");
    ChromeOptions options = new ChromeOptions();
    for (String bin : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (new File(bin).canExecute()) {
        options.setBinary(bin);
        break;
      }
    }
    Path profile = Files.createTempDirectory("cp-chromium-");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu",
        "--disable-dev-shm-usage", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        "--user-data-dir=" + profile, "--window-size=1280,900");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(new File("/usr/bin/chromedriver"))
        .usingAnyFreePort()
        .build();
    return new ChromeDriver(service, options);
  }

  static void signIn(WebDriver driver, String user) {
    driver.get(base + "/login");
    driver.findElement(By.id("login")).sendKeys(user);
    driver.findElement(By.id("password")).sendKeys(PASSWORD);
    submit(driver, driver.findElement(By.id("sign-in")));
  }

  /**
   * Clicks a form's submit {@code button} and waits until its page is replaced: click() returns
   * before the POST is sent, and a driver.get() right after it could cancel the POST.
   */
  static void submit(WebDriver driver, WebElement button) {
    button.click();
    new WebDriverWait(driver, Duration.ofSeconds(30)).until(d -> replaced(button));
  }

  /**
   * Whether {@code element}'s page was replaced. Chromium 156's driver reports a replaced element
   * either as stale or, while the new document loads, as a node that "does not belong to the
   * document" (an unknown error that {@code ExpectedConditions.stalenessOf} lets through: a CI
   * run failed on it); both mean the same here.
   */
  static boolean replaced(WebElement element) {
    try {
      element.isEnabled();
      return false;
    } catch (org.openqa.selenium.StaleElementReferenceException e) {
      return true;
    } catch (org.openqa.selenium.WebDriverException e) {
      if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
        return true;
      }
      throw e;
    }
  }

  static WebElement row(WebDriver driver, String alertId) {
    return driver.findElement(By.id("alert-" + alertId));
  }

  @Test
  @Order(1)
  void shouldLetInstructorsTriageAndShareItButRefuseOtherCourses() throws Exception {
    WebDriver driver = chromium();
    try {
      signIn(driver, "alice");
      assertThat(driver.getCurrentUrl()).endsWith("/courses");
      List<String> courses = driver.findElements(By.className("course-link")).stream()
          .map(WebElement::getText).toList();
      assertThat(courses).containsExactly(C1);

      driver.findElement(By.linkText(C1)).click();
      String page = driver.getPageSource();
      // Factors of newer records in plain words, the risk score, names from the roster.
      assertThat(row(driver, "a000000000000002").getText()).contains("Alan Turing",
          "no activity for 12 days", "missed 2 of 3 assignments", "risk 0.8731");
      // The student-level alert (no course) shows in the student's course, with a name.
      assertThat(row(driver, "a000000000000001").getText()).contains("Grace Hopper",
          "login inactive", "inactive days: 14");
      assertThat(page).doesNotContain("Donald Knuth");
      // Highest severity first.
      List<WebElement> rows = driver.findElements(By.className("alert-row"));
      assertThat(rows.get(0).getAttribute("id")).isEqualTo("alert-a000000000000002");
      screenshot(driver, "web-course.png");

      // Snooze the high alert for a week (date inputs take their value from script reliably).
      WebElement snoozeRow = row(driver, "a000000000000002");
      snoozeRow.findElement(By.xpath(".//details[summary[text()='Snooze']]/summary")).click();
      WebElement until = snoozeRow.findElement(By.cssSelector("form.snooze input[name=until]"));
      ((JavascriptExecutor) driver).executeScript("arguments[0].value = arguments[1]", until,
          "2026-10-27");
      submit(driver, snoozeRow.findElement(By.cssSelector("form.snooze button")));
      assertThat(driver.findElements(By.id("alert-a000000000000002"))).isEmpty();
      driver.get(base + "/courses/" + C1 + "?status=snoozed");
      assertThat(row(driver, "a000000000000002").getText()).contains("snoozed until 2026-10-27");

      // A page past the last one and a filter that matches nothing say so ("alerts 0–0" and,
      // for a page number near the int limit, negative numbers before).
      driver.get(base + "/courses/" + C1 + "?page=2147483647");
      assertThat(driver.findElement(By.className("count")).getText())
          .isEqualTo("No alerts on this page · first page");
      driver.get(base + "/courses/" + C1 + "?status=resolved");
      assertThat(driver.findElement(By.className("count")).getText())
          .isEqualTo("No alerts match this filter.");
      driver.get(base + "/courses/" + C1);
      assertThat(driver.findElement(By.className("count")).getText()).isEqualTo("alerts 1–2");

      // Mark the medium alert of s4 contacted by phone.
      driver.get(base + "/courses/" + C1);
      WebElement contactRow = row(driver, "a000000000000003");
      contactRow.findElement(By.xpath(".//details[summary[text()='Contacted']]/summary")).click();
      contactRow.findElement(By.cssSelector("form.contact select[name=channel]"))
          .sendKeys("phone");
      contactRow.findElement(By.cssSelector("form.contact input[name=note]"))
          .sendKeys("left a voicemail");
      submit(driver, contactRow.findElement(By.cssSelector("form.contact button")));
      driver.get(base + "/courses/" + C1 + "?status=handled");
      assertThat(row(driver, "a000000000000003").getText()).contains("handled");

      // The student page: history, activity, submissions.
      driver.get(base + "/courses/" + C1 + "/students/s1");
      assertThat(driver.findElement(By.id("submissions")).getText())
          .isEqualTo("0 on time · 1 late · 1 missed");
      assertThat(driver.getPageSource()).contains("Grace Hopper", "login inactive");
      screenshot(driver, "web-student.png");

      // A course alice does not teach: refused, and so is its student page and its triage.
      driver.get(base + "/courses/" + C2);
      assertThat(driver.findElement(By.id("error-status")).getText()).isEqualTo("403");
      assertThat(driver.getPageSource()).doesNotContain("Donald Knuth");
      driver.get(base + "/courses/" + C2 + "/students/s9");
      assertThat(driver.findElement(By.id("error-status")).getText()).isEqualTo("403");
      // Phone layout: the course page as cards.
      driver.manage().window().setSize(new Dimension(390, 844));
      driver.get(base + "/courses/" + C1 + "?status=all");
      screenshot(driver, "web-course-phone.png");
      driver.manage().window().setSize(new Dimension(1280, 900));

      // Another instructor of the course (made from a TeacherEnrollment) sees what alice did.
      submit(driver, driver.findElement(By.cssSelector("form.logout button")));
      signIn(driver, "t1");
      driver.get(base + "/courses/" + C1);
      List<String> log = driver.findElements(By.className("log-line")).stream()
          .map(WebElement::getText).toList();
      assertThat(log).hasSize(2);
      assertThat(log.get(0))
          .contains("Alice Instructor", "Barbara Liskov", "contact by phone: left a voicemail");
      assertThat(log.get(1)).contains("Alice Instructor", "Alan Turing", "snooze until 2026-10-27");
    } finally {
      driver.quit();
    }
    try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
      // Append-only: the database itself refuses to rewrite history.
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> s.executeUpdate("UPDATE triage_log SET note = 'x'"))
          .hasMessageContaining("append-only");
    }
  }

  @Test
  @Order(2)
  void shouldCountAContactedStudentWhoBecameActiveWithinSevenDays() throws Exception {
    Accounts accounts = new Accounts(db);
    User alice = accounts.authenticate("alice", PASSWORD.toCharArray()).orElseThrow();
    Triage triage = new Triage(db);
    triage.record(alice, C1, "a000000000000001",
        new Triage.Entry(Triage.Action.CONTACT, null, "email", "sent a note", null));
    assertThat(triage.outcomes(C1).get("LOGIN_INACTIVE"))
        .isEqualTo(new Triage.Outcome(1, 0, 1));
    // s1 (Grace) logs in two days of event time later: she came back.
    WebFixtures.publishEvents(log, List.of(login("s1", NOW.plus(Duration.ofDays(2))),
        click("s1", C1, NOW.plus(Duration.ofDays(2)), 4)));
    WebFixtures.awaitApplied(log, sinks);
    assertThat(triage.outcomes(C1).get("LOGIN_INACTIVE").cameBack()).isEqualTo(1);
    assertThat(triage.outcomes(C2)).isEmpty();
  }

  @Test
  @Order(3)
  void shouldRejectFormsWithoutTheCsrfTokenAndLimitFailedSignIns() throws Exception {
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    Session s = signInOverHttp(http, "carol");
    assertThat(s.cookieHeader()).contains("HttpOnly").contains("SameSite=Strict");
    // Without the token: 403, nothing recorded.
    HttpResponse<String> noToken = post(http, "/courses/" + C2 + "/alerts/a000000000000004/triage",
        "action=acknowledge", s.cookie());
    assertThat(noToken.statusCode()).isEqualTo(403);
    // With it: recorded.
    HttpResponse<String> ok = post(http, "/courses/" + C2 + "/alerts/a000000000000004/triage",
        "action=acknowledge&csrf=" + s.csrf(), s.cookie());
    assertThat(ok.statusCode()).isEqualTo(302);
    // carol may not triage an alert of C1 through C2's path, nor through C1's.
    assertThat(post(http, "/courses/" + C2 + "/alerts/a000000000000003/triage",
        "action=acknowledge&csrf=" + s.csrf(), s.cookie()).statusCode()).isEqualTo(404);
    assertThat(post(http, "/courses/" + C1 + "/alerts/a000000000000003/triage",
        "action=acknowledge&csrf=" + s.csrf(), s.cookie()).statusCode()).isEqualTo(403);
    assertThat(get(http, "/courses/" + C1 + "/alerts.csv", s.cookie()).statusCode())
        .isEqualTo(403);
    HttpResponse<String> csv = get(http, "/courses/" + C2 + "/alerts.csv?status=all", s.cookie());
    assertThat(csv.body()).startsWith("alert_id,student_id,name,").contains("Donald Knuth");

    try (Connection c = db.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT count(*) FROM triage_log WHERE course_id = '"
            + C2 + "'")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(1);
    }

    // Five wrong passwords for one login, then even the right one waits.
    for (int i = 0; i < 5; i++) {
      assertThat(trySignIn(http, "alice-limit", "wrong password " + i).statusCode()).isEqualTo(401);
    }
    assertThat(trySignIn(http, "alice-limit", PASSWORD).statusCode()).isEqualTo(429);
  }

  @Test
  @Order(4)
  void shouldEraseAStudentsNameEmailAndNotesButKeepTheAuditEntries() throws Exception {
    Privacy.Erased erased = new Privacy(db).erase("s4");
    assertThat(erased).isEqualTo(new Privacy.Erased(1, 1));
    try (Connection c = db.getConnection(); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT r.name, r.email, t.note, t.channel FROM roster r"
            + " JOIN triage_log t ON t.student_id = r.student_id WHERE r.student_id = 's4'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isNull();
      assertThat(rs.getString(2)).isNull();
      assertThat(rs.getString(3)).isNull();
      assertThat(rs.getString(4)).isEqualTo("phone");
    }
    HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    Session s = signInOverHttp(http, "alice");
    String page = get(http, "/courses/" + C1 + "?status=all", s.cookie()).body();
    assertThat(page).doesNotContain("Barbara Liskov", "left a voicemail").contains("s4");
  }

  record Session(String cookie, String cookieHeader, String csrf) {}

  private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

  static HttpResponse<String> trySignIn(HttpClient http, String user, String password)
      throws Exception {
    HttpResponse<String> form = get(http, "/login", null);
    String loginCookie = cookie(form, WebServer.LOGIN_COOKIE);
    Matcher m = CSRF.matcher(form.body());
    assertThat(m.find()).isTrue();
    return post(http, "/login", "login=" + enc(user) + "&password=" + enc(password) + "&csrf="
        + m.group(1), WebServer.LOGIN_COOKIE + "=" + loginCookie);
  }

  static Session signInOverHttp(HttpClient http, String user) throws Exception {
    HttpResponse<String> r = trySignIn(http, user, PASSWORD);
    assertThat(r.statusCode()).isEqualTo(302);
    String header = r.headers().allValues("Set-Cookie").stream()
        .filter(h -> h.startsWith(WebServer.SESSION_COOKIE + "=")).findFirst().orElseThrow();
    String cookie = WebServer.SESSION_COOKIE + "=" + cookie(r, WebServer.SESSION_COOKIE);
    Matcher m = CSRF.matcher(get(http, "/courses", cookie).body());
    assertThat(m.find()).isTrue();
    return new Session(cookie, header, m.group(1));
  }

  static String cookie(HttpResponse<?> r, String name) {
    for (String h : r.headers().allValues("Set-Cookie")) {
      if (h.startsWith(name + "=")) {
        return h.substring(name.length() + 1, h.indexOf(';'));
      }
    }
    throw new AssertionError("no cookie " + name + " in " + r.headers());
  }

  static HttpResponse<String> get(HttpClient http, String path, String cookie) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(HttpClient http, String path, String form, String cookie)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form));
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static void screenshot(WebDriver driver, String name) throws Exception {
    Path docs = Path.of("docs");
    Files.createDirectories(docs);
    File shot = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), docs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
