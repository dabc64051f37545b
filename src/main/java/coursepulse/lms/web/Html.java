package coursepulse.lms.web;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Small helpers the templates call; jte escapes their results for HTML. */
public final class Html {
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  private Html() {}

  /** {@code s} as one URL path segment. */
  public static String path(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** A rule or key in plain words. */
  public static String words(String s) {
    return s == null ? "" : Reasons.rule(s);
  }

  /** An instant to the minute, UTC. */
  public static String minute(Instant t) {
    return MINUTE.format(t);
  }

  /** The query string of {@code f}. */
  public static String query(CoursePages.Filter f) {
    return query(f, f.sort());
  }

  /** The query string of {@code f} sorted by {@code sort}. */
  public static String query(CoursePages.Filter f, String sort) {
    StringBuilder b = new StringBuilder();
    if (f.rule() != null) {
      b.append("rule=").append(path(f.rule())).append('&');
    }
    if (f.severity() != null) {
      b.append("severity=").append(path(f.severity())).append('&');
    }
    return b.append("status=").append(path(f.status())).append("&sort=").append(path(sort))
        .toString();
  }

  /** The query string of {@code f} at page {@code page}. */
  public static String query(CoursePages.Filter f, int page) {
    return query(f, f.sort()) + "&page=" + page;
  }
}
