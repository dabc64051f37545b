package coursepulse.lms.risk;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Thresholds of the alerting rules, with defaults, loaded from YAML ({@code docs/rules.md} has an
 * example and the reasons behind each default). Every rule can be switched off. Any field left out
 * keeps its default. Immutable.
 *
 * @param version written into every alert as {@code rulesVersion}; default {@code "default-2"}
 * @param cooldownDays no re-alert of the same student, course and rule within this many days of a
 *     resolution; default 3
 * @param loginInactive {@link Rule#LOGIN_INACTIVE}
 * @param noSubmissions {@link Rule#NO_SUBMISSIONS}
 * @param missedDeadlines {@link Rule#MISSED_DEADLINES}
 * @param activityDrop {@link Rule#ACTIVITY_DROP}
 */
public record RulesConfig(
    String version,
    double cooldownDays,
    LoginInactive loginInactive,
    NoSubmissions noSubmissions,
    MissedDeadlines missedDeadlines,
    ActivityDrop activityDrop) {

  /**
   * The {@code version} of the defaults. Bumped whenever a default threshold changes, so alerts
   * stay attributable: {@code default-1} was 7 / 14 / 2 / 0.4, {@code default-2} (calibrated,
   * {@code docs/rules.md}) is 7 / 28 / 3 / 0.25.
   */
  public static final String DEFAULT_VERSION = "default-2";

  /** The configuration with every default. */
  public static final RulesConfig DEFAULTS = of(null, null, null, null, null, null);

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A configuration where every {@code null} argument takes its default. */
  @JsonCreator
  public static RulesConfig of(
      @JsonProperty("version") String version,
      @JsonProperty("cooldownDays") Double cooldownDays,
      @JsonProperty("loginInactive") LoginInactive loginInactive,
      @JsonProperty("noSubmissions") NoSubmissions noSubmissions,
      @JsonProperty("missedDeadlines") MissedDeadlines missedDeadlines,
      @JsonProperty("activityDrop") ActivityDrop activityDrop) {
    return new RulesConfig(
        version == null || version.isBlank() ? DEFAULT_VERSION : version,
        cooldownDays == null ? 3 : requireNonNegative("cooldownDays", cooldownDays),
        loginInactive == null ? LoginInactive.of(null, null) : loginInactive,
        noSubmissions == null ? NoSubmissions.of(null, null) : noSubmissions,
        missedDeadlines == null ? MissedDeadlines.of(null, null, null) : missedDeadlines,
        activityDrop == null ? ActivityDrop.of(null, null, null, null, null) : activityDrop);
  }

  /** {@link Rule#LOGIN_INACTIVE}: no login for {@code days} (default 7) while a course runs. */
  public record LoginInactive(boolean enabled, double days) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static LoginInactive of(
        @JsonProperty("enabled") Boolean enabled, @JsonProperty("days") Double days) {
      return new LoginInactive(
          enabled == null || enabled, days == null ? 7 : requirePositive("loginInactive.days", days));
    }
  }

  /** {@link Rule#NO_SUBMISSIONS}: no submission for {@code days} (default 28) while work was owed. */
  public record NoSubmissions(boolean enabled, double days) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static NoSubmissions of(
        @JsonProperty("enabled") Boolean enabled, @JsonProperty("days") Double days) {
      return new NoSubmissions(
          enabled == null || enabled, days == null ? 28 : requirePositive("noSubmissions.days", days));
    }
  }

  /**
   * {@link Rule#MISSED_DEADLINES}: {@code consecutive} (default 3) assignments in a row not
   * submitted by due time + {@code graceHours} (default 24).
   */
  public record MissedDeadlines(boolean enabled, int consecutive, double graceHours) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static MissedDeadlines of(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("consecutive") Integer consecutive,
        @JsonProperty("graceHours") Double graceHours) {
      return new MissedDeadlines(
          enabled == null || enabled,
          consecutive == null ? 3 : (int) requirePositive("missedDeadlines.consecutive", consecutive),
          graceHours == null ? 24 : requireNonNegative("missedDeadlines.graceHours", graceHours));
    }
  }

  /**
   * {@link Rule#ACTIVITY_DROP}: a completed week's active days below {@code ratio} (default 0.25)
   * of the mean of the {@code baselineWeeks} (default 3) complete weeks before it, provided that
   * mean is at least {@code minBaseline} (default 2 days per week). {@code basis} is {@code
   * logins} (default: days with a login, per student, no course) or {@code activity} (days with a
   * submission or material accessed, per course: noisier, see {@code docs/rules.md}).
   */
  public record ActivityDrop(
      boolean enabled, double ratio, int baselineWeeks, double minBaseline, Basis basis) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static ActivityDrop of(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("ratio") Double ratio,
        @JsonProperty("baselineWeeks") Integer baselineWeeks,
        @JsonProperty("minBaseline") Double minBaseline,
        @JsonProperty("basis") String basis) {
      return new ActivityDrop(
          enabled == null || enabled,
          ratio == null ? 0.25 : requireRatio(ratio),
          baselineWeeks == null ? 3 : requireWeeks(baselineWeeks),
          minBaseline == null ? 2 : requireNonNegative("activityDrop.minBaseline", minBaseline),
          basis == null ? Basis.LOGINS : parseBasis(basis));
    }

    /** True for the per-course activity basis. */
    public boolean perCourse() {
      return basis == Basis.ACTIVITY;
    }
  }

  private static Basis parseBasis(String text) {
    try {
      return Basis.valueOf(text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "activityDrop.basis must be activity or logins, was '" + text + "'", e);
    }
  }

  /** What {@link Rule#ACTIVITY_DROP} counts. */
  public enum Basis {
    /** Submissions and assets accessed, per student and course. */
    ACTIVITY,
    /** Logins, per student. */
    LOGINS
  }

  /** Whether a rule is switched on. */
  public boolean enabled(Rule rule) {
    switch (rule) {
      case LOGIN_INACTIVE:
        return loginInactive.enabled();
      case NO_SUBMISSIONS:
        return noSubmissions.enabled();
      case MISSED_DEADLINES:
        return missedDeadlines.enabled();
      case ACTIVITY_DROP:
        return activityDrop.enabled();
      default:
        throw new IllegalArgumentException(rule.name());
    }
  }

  /** Whether {@link Rule#ACTIVITY_DROP} alerts are student-level (logins basis). */
  public boolean studentLevel(Rule rule) {
    return rule == Rule.ACTIVITY_DROP ? !activityDrop.perCourse() : rule.studentLevel();
  }

  long cooldownMs() {
    return days(cooldownDays);
  }

  long loginInactiveMs() {
    return days(loginInactive.days());
  }

  long noSubmissionsMs() {
    return days(noSubmissions.days());
  }

  long graceMs() {
    return Math.round(missedDeadlines.graceHours() * Duration.ofHours(1).toMillis());
  }

  static long days(double days) {
    return Math.round(days * Duration.ofDays(1).toMillis());
  }

  /**
   * Reads a configuration from YAML.
   *
   * @throws IllegalArgumentException naming the field when the file is not a valid configuration
   */
  public static RulesConfig fromYaml(InputStream in) {
    try {
      com.fasterxml.jackson.databind.JsonNode tree = YAML.readTree(in);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return DEFAULTS; // an empty file means every default
      }
      return YAML.treeToValue(tree, RulesConfig.class);
    } catch (IOException e) {
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String detail = root instanceof IllegalArgumentException ? root.getMessage() : e.getMessage();
      throw new IllegalArgumentException("invalid rules file: " + firstLine(detail), e);
    }
  }

  /** Reads a configuration from a YAML file; see {@link #fromYaml(InputStream)}. */
  public static RulesConfig fromYaml(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return fromYaml(in);
    }
  }

  /**
   * Reads a configuration from a {@code .properties} file: the YAML keys flattened with dots
   * ({@code loginInactive.days=7}, {@code activityDrop.enabled=false}); same defaults and checks.
   *
   * @throws IllegalArgumentException naming the field when the file is not a valid configuration
   */
  public static RulesConfig fromProperties(java.io.Reader in) throws IOException {
    java.util.Properties props = new java.util.Properties();
    props.load(in);
    com.fasterxml.jackson.databind.node.ObjectNode root = YAML.createObjectNode();
    for (String key : new java.util.TreeSet<>(props.stringPropertyNames())) {
      com.fasterxml.jackson.databind.node.ObjectNode node = root;
      String[] parts = key.split("\\.", -1);
      for (int i = 0; i < parts.length - 1; i++) {
        com.fasterxml.jackson.databind.JsonNode child = node.get(parts[i]);
        if (child != null && !child.isObject()) {
          throw new IllegalArgumentException("invalid rules file: '" + key + "' nests under a value");
        }
        node = child == null ? node.putObject(parts[i]) : (com.fasterxml.jackson.databind.node.ObjectNode) child;
      }
      node.put(parts[parts.length - 1], props.getProperty(key).trim());
    }
    try {
      return YAML.treeToValue(root, RulesConfig.class);
    } catch (IOException e) {
      Throwable cause = e;
      while (cause.getCause() != null && cause.getCause() != cause) {
        cause = cause.getCause();
      }
      String detail = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getMessage();
      throw new IllegalArgumentException("invalid rules file: " + firstLine(detail), e);
    }
  }

  /** Reads {@code file} as properties when its name ends in {@code .properties}, else as YAML. */
  public static RulesConfig fromFile(Path file) throws IOException {
    if (file.getFileName() != null && file.getFileName().toString().endsWith(".properties")) {
      try (java.io.Reader in = Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
        return fromProperties(in);
      }
    }
    return fromYaml(file);
  }

  private static String firstLine(String s) {
    String m = String.valueOf(s);
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static double requirePositive(String field, double v) {
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(field + " must be positive, was " + v);
    }
    return v;
  }

  private static double requireNonNegative(String field, double v) {
    if (!(v >= 0) || Double.isInfinite(v)) {
      throw new IllegalArgumentException(field + " must be >= 0, was " + v);
    }
    return v;
  }

  private static double requireRatio(double v) {
    if (!(v > 0 && v < 1)) {
      throw new IllegalArgumentException("activityDrop.ratio must be in (0, 1), was " + v);
    }
    return v;
  }

  private static int requireWeeks(int v) {
    if (v < 1 || v > 12) {
      throw new IllegalArgumentException("activityDrop.baselineWeeks must be 1..12, was " + v);
    }
    return v;
  }
}
