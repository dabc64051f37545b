package coursepulse.lms.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The instructors' web server: Javalin (Jetty underneath) with precompiled jte templates, on the
 * database the sink fills.
 *
 * <p>Security: sessions in an {@code HttpOnly}, {@code SameSite=Strict} cookie (plus {@code
 * Secure} when {@link Options#secureCookies()}), a CSRF token checked on every POST (the session's
 * token; before sign-in a token in its own cookie, double-submitted), at most 5 failed sign-ins
 * per login (20 per address) in 15 minutes, and 403 for a course the user does not teach. Names
 * reach only pages of the course's instructors and never the log.
 *
 * <pre>{@code
 * try (WebServer web = WebServer.start(dataSource, WebServer.Options.defaults(), registry)) {
 *   System.out.println("http://127.0.0.1:" + web.port());
 * }
 * }</pre>
 */
public final class WebServer implements AutoCloseable {

  /**
   * Where and how to serve.
   *
   * @param bind address to listen on (default 127.0.0.1: put a TLS proxy in front for others)
   * @param port TCP port (default 8080; 0 picks a free one)
   * @param secureCookies mark cookies {@code Secure} (default false: set it behind HTTPS)
   * @param sessionIdle how long an idle session lives (default 8 hours)
   */
  public record Options(String bind, int port, boolean secureCookies, Duration sessionIdle) {
    public static Options defaults() {
      return new Options("127.0.0.1", 8080, false, Duration.ofHours(8));
    }
  }

  static final String SESSION_COOKIE = "cp_session";
  static final String LOGIN_COOKIE = "cp_login";

  private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);

  private final Javalin app;
  private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
  private final Accounts accounts;
  private final CoursePages pages;
  private final Triage triage;
  private final Sessions sessions;
  // Per login 5 failures in 15 minutes; per address more, since a campus may share one.
  private final LoginLimiter perLogin = new LoginLimiter(5, Duration.ofMinutes(15));
  private final LoginLimiter perAddress = new LoginLimiter(20, Duration.ofMinutes(15));
  private final Options options;
  private final MeterRegistry registry;
  private final MultiGauge outcomes;
  private final ScheduledExecutorService refresher;
  private final byte[] css;

  private WebServer(DataSource db, Options options, MeterRegistry registry) {
    this.options = options;
    this.registry = registry != null ? registry : new CompositeMeterRegistry();
    this.accounts = new Accounts(db);
    this.pages = new CoursePages(db);
    this.triage = new Triage(db);
    this.sessions = new Sessions(options.sessionIdle());
    try (InputStream in = WebServer.class.getResourceAsStream("/coursepulse/web/web.css")) {
      this.css = Objects.requireNonNull(in, "web.css").readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    this.outcomes = MultiGauge.builder("coursepulse.web.contacts")
        .description("Students contacted about an alert, by rule and what followed within 7 days")
        .register(this.registry);
    this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "coursepulse-web-outcomes");
      t.setDaemon(true);
      return t;
    });
    this.app = Javalin.create(config -> {
      config.startup.showJavalinBanner = false;
      config.routes.before(this::before);
      config.routes.get("/", ctx -> ctx.redirect("/courses"));
      config.routes.get("/health", ctx -> ctx.result("ok"));
      config.routes.get("/static/web.css", ctx -> {
        ctx.contentType("text/css; charset=utf-8");
        ctx.header("Cache-Control", "max-age=3600");
        ctx.result(css);
      });
      config.routes.get("/login", this::loginPage);
      config.routes.post("/login", this::login);
      config.routes.post("/logout", this::logout);
      config.routes.get("/courses", this::courses);
      config.routes.get("/courses/{course}", this::course);
      config.routes.get("/courses/{course}/alerts.csv", this::csv);
      config.routes.get("/courses/{course}/students/{student}", this::student);
      config.routes.post("/courses/{course}/alerts/{alert}/triage", this::triage);
      config.routes.exception(HttpError.class, (e, ctx) -> error(ctx, e.status, e.getMessage()));
      config.routes.exception(SQLException.class, (e, ctx) -> {
        LOG.warn("database error on {}: {} [SQLState {}]", ctx.path(), e.getMessage(),
            e.getSQLState());
        error(ctx, 503, "The database is not available right now. Try again in a minute.");
      });
    });
  }

  /** Starts serving; the data source is the caller's and stays open. */
  public static WebServer start(DataSource db, Options options, MeterRegistry registry) {
    WebServer server = new WebServer(db, options, registry);
    server.app.start(options.bind(), options.port());
    server.refresher.scheduleWithFixedDelay(server::refreshOutcomes, 0, 60, TimeUnit.SECONDS);
    return server;
  }

  /** The port it listens on. */
  public int port() {
    return app.port();
  }

  @Override
  public void close() {
    refresher.shutdownNow();
    app.stop();
  }

  private void refreshOutcomes() {
    try {
      List<MultiGauge.Row<?>> rows = new ArrayList<>();
      for (Map.Entry<String, Triage.Outcome> e : triage.outcomes(null).entrySet()) {
        Triage.Outcome o = e.getValue();
        rows.add(MultiGauge.Row.of(Tags.of("rule", e.getKey(), "outcome", "contacted"),
            o.contacted()));
        rows.add(MultiGauge.Row.of(Tags.of("rule", e.getKey(), "outcome", "active_within_7d"),
            o.cameBack()));
        rows.add(MultiGauge.Row.of(Tags.of("rule", e.getKey(), "outcome", "pending"),
            o.pending()));
      }
      outcomes.register(rows, true);
    } catch (SQLException | RuntimeException e) {
      LOG.warn("could not refresh contact outcomes: {}", e.getMessage());
    }
  }

  /** Thrown by handlers for an HTTP error page. */
  static final class HttpError extends RuntimeException {
    final int status;

    HttpError(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private void before(Context ctx) {
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("Referrer-Policy", "same-origin");
    ctx.header("Content-Security-Policy",
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
            + " frame-ancestors 'none'");
    if (!ctx.path().startsWith("/static/")) {
      ctx.header("Cache-Control", "no-store");
    }
    Sessions.Session s = sessions.get(ctx.cookie(SESSION_COOKIE));
    ctx.attribute("session", s);
    if (ctx.method() == HandlerType.POST) {
      String expected = ctx.path().equals("/login") ? ctx.cookie(LOGIN_COOKIE)
          : s == null ? null : s.csrf();
      if (!Sessions.same(expected, ctx.formParam("csrf"))) {
        counter("coursepulse.web.csrf.rejected", "Form posts refused for a missing or wrong CSRF token").increment();
        throw new HttpError(403, "This form has expired. Go back, reload the page and try again.");
      }
    }
  }

  private Sessions.Session session(Context ctx) {
    Sessions.Session s = ctx.attribute("session");
    if (s == null) {
      if (ctx.method() == HandlerType.GET) {
        ctx.redirect("/login");
        throw new HttpError(302, "sign in first");
      }
      throw new HttpError(401, "Sign in first.");
    }
    return s;
  }

  private Sessions.Session courseSession(Context ctx) throws SQLException {
    Sessions.Session s = session(ctx);
    if (!accounts.maySee(s.user(), ctx.pathParam("course"))) {
      counter("coursepulse.web.forbidden", "Requests refused with 403 (another course, no role)").increment();
      throw new HttpError(403, "You do not teach this course.");
    }
    return s;
  }

  private void loginPage(Context ctx) {
    renderLogin(ctx, null);
  }

  private void renderLogin(Context ctx, String error) {
    String token = Sessions.token();
    ctx.cookie(cookie(LOGIN_COOKIE, token, -1));
    Map<String, Object> p = new HashMap<>();
    p.put("error", error);
    p.put("loginCsrf", token);
    render(ctx, "login.jte", p);
  }

  private void login(Context ctx) throws SQLException {
    String login = Objects.requireNonNullElse(ctx.formParam("login"), "").strip();
    String password = Objects.requireNonNullElse(ctx.formParam("password"), "");
    String ip = ctx.ip();
    if (!perAddress.allowed(ip) || !perLogin.allowed(login)) {
      counter("coursepulse.web.logins", "Login attempts, by outcome", "outcome", "limited").increment();
      ctx.status(429);
      renderLogin(ctx, "Too many failed sign-ins. Wait 15 minutes and try again.");
      return;
    }
    var found = accounts.authenticate(login, password.toCharArray());
    if (found.isEmpty()) {
      perAddress.failed(ip);
      perLogin.failed(login);
      counter("coursepulse.web.logins", "Login attempts, by outcome", "outcome", "failed").increment();
      LOG.debug("failed sign-in for {}", login);
      ctx.status(401);
      renderLogin(ctx, "Wrong login or password.");
      return;
    }
    perLogin.succeeded(login);
    counter("coursepulse.web.logins", "Login attempts, by outcome", "outcome", "ok").increment();
    sessions.close(ctx.cookie(SESSION_COOKIE)); // no session fixation
    ctx.cookie(cookie(SESSION_COOKIE, sessions.open(found.get()), -1));
    ctx.removeCookie(LOGIN_COOKIE, "/");
    ctx.redirect("/courses");
  }

  private void logout(Context ctx) {
    sessions.close(ctx.cookie(SESSION_COOKIE));
    ctx.removeCookie(SESSION_COOKIE, "/");
    ctx.redirect("/login");
  }

  private Cookie cookie(String name, String value, int maxAge) {
    // name, value, path, max age (-1: this browser session), secure, HttpOnly, domain, SameSite
    return new Cookie(name, value, "/", maxAge, options.secureCookies(), true, null,
        SameSite.STRICT);
  }

  private void courses(Context ctx) throws SQLException {
    Sessions.Session s = session(ctx);
    Map<String, Object> p = common(s);
    p.put("courses", pages.courses(accounts.courses(s.user())));
    render(ctx, "courses.jte", p);
  }

  private CoursePages.Filter filter(Context ctx) {
    int page;
    try {
      page = ctx.queryParam("page") == null ? 0 : Integer.parseInt(ctx.queryParam("page"));
    } catch (NumberFormatException e) {
      throw new HttpError(400, "page must be a number");
    }
    return new CoursePages.Filter(ctx.queryParam("rule"), ctx.queryParam("severity"),
        ctx.queryParam("status"), ctx.queryParam("sort"), page);
  }

  private void course(Context ctx) throws SQLException {
    Sessions.Session s = courseSession(ctx);
    Map<String, Object> p = common(s);
    p.put("page", pages.course(ctx.pathParam("course"), filter(ctx), triage));
    render(ctx, "course.jte", p);
  }

  private void csv(Context ctx) throws SQLException {
    courseSession(ctx);
    String course = ctx.pathParam("course");
    List<CoursePages.AlertView> alerts = pages.export(course, filter(ctx));
    StringBuilder b = new StringBuilder("alert_id,student_id,name,rule,severity,score,since,"
        + "status,snooze_until,reasons\r\n");
    for (CoursePages.AlertView a : alerts) {
      b.append(Csv.row(a.alertId(), a.studentId(), a.name(), a.rule(), a.severity(),
          a.score() == null ? "" : a.score().toPlainString(), a.since().toString(), a.status(),
          a.snoozeUntil() == null ? "" : a.snoozeUntil().toString(), a.reasons()));
    }
    ctx.contentType("text/csv; charset=utf-8");
    ctx.header("Content-Disposition",
        "attachment; filename=\"alerts-" + course.replaceAll("[^A-Za-z0-9_-]", "_")
            + ".csv\"");
    ctx.result(b.toString());
  }

  private void student(Context ctx) throws SQLException {
    Sessions.Session s = courseSession(ctx);
    CoursePages.StudentPage page =
        pages.student(ctx.pathParam("course"), ctx.pathParam("student"));
    if (page == null) {
      throw new HttpError(404, "No such student in this course.");
    }
    Map<String, Object> p = common(s);
    p.put("page", page);
    render(ctx, "student.jte", p);
  }

  private void triage(Context ctx) throws SQLException {
    Sessions.Session s = courseSession(ctx);
    String course = ctx.pathParam("course");
    Triage.Entry entry;
    try {
      Triage.Action action = Triage.Action.parse(ctx.formParam("action"));
      String until = ctx.formParam("until");
      entry = new Triage.Entry(action,
          until == null || until.isBlank() ? null : LocalDate.parse(until),
          ctx.formParam("channel"), ctx.formParam("note"), ctx.formParam("reason"));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      throw new HttpError(400, "Cannot record this: " + e.getMessage());
    }
    String rule;
    try {
      rule = triage.record(s.user(), course, ctx.pathParam("alert"), entry);
    } catch (IllegalArgumentException e) {
      throw new HttpError(404, "No such alert in this course.");
    }
    Counter.builder("coursepulse.web.triage.actions")
        .description("Triage entries recorded, by action and rule (dismissals: rule feedback)")
        .tags("action", entry.action().code(), "rule", rule)
        .register(registry)
        .increment();
    String back = "/courses/" + Html.path(course);
    if ("student".equals(ctx.formParam("back"))) {
      back = ctx.header("Referer") != null && ctx.header("Referer").contains("/students/")
          ? refererPath(ctx.header("Referer"), back) : back;
    }
    ctx.redirect(back);
  }

  /** The path of a same-site referer, or {@code fallback}. */
  private static String refererPath(String referer, String fallback) {
    try {
      java.net.URI u = java.net.URI.create(referer);
      String path = u.getRawPath();
      return path != null && path.startsWith("/courses/") ? path : fallback;
    } catch (IllegalArgumentException e) {
      return fallback;
    }
  }

  private Map<String, Object> common(Sessions.Session s) {
    Map<String, Object> p = new HashMap<>();
    p.put("userName", s.user().displayName() == null ? s.user().login() : s.user().displayName());
    p.put("csrf", s.csrf());
    return p;
  }

  private void error(Context ctx, int status, String message) {
    if (status == 302) {
      return;
    }
    Sessions.Session s = ctx.attribute("session");
    Map<String, Object> p = new HashMap<>();
    p.put("userName", s == null ? null : s.user().login());
    p.put("csrf", s == null ? null : s.csrf());
    p.put("status", status);
    p.put("message", message);
    ctx.status(status);
    render(ctx, "error.jte", p);
  }

  private void render(Context ctx, String template, Map<String, Object> params) {
    StringOutput out = new StringOutput(16 * 1024);
    templates.render(template, params, out);
    ctx.html(out.toString());
  }

  /** A counter with its HELP text (promtool checks every metric has one). */
  private io.micrometer.core.instrument.Counter counter(String name, String help, String... tags) {
    return io.micrometer.core.instrument.Counter.builder(name).description(help).tags(tags).register(registry);
  }
}
