package coursepulse.lms.risk;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.InputStream;
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
 * @param inactive {@link Rule#INACTIVE}
 * @param missedWork {@link Rule#MISSED_WORK}
 * @param lowGrades {@link Rule#LOW_GRADES}
 * @param riskScore {@link Rule#RISK_SCORE}
 * @param courseCalendar declared breaks per course id (inclusive UTC dates); default none
 */
public record RulesConfig(
    String version,
    double cooldownDays,
    LoginInactive loginInactive,
    NoSubmissions noSubmissions,
    MissedDeadlines missedDeadlines,
    ActivityDrop activityDrop,
    Inactive inactive,
    MissedWork missedWork,
    LowGrades lowGrades,
    RiskScoreRule riskScore,
    java.util.Map<String, java.util.List<Break>> courseCalendar) {

  /**
   * The {@code version} of the defaults. Bumped whenever a default threshold changes, so alerts
   * stay attributable: {@code default-1} was 7 / 14 / 2 / 0.4, {@code default-2} (calibrated,
   * {@code docs/rules.md}) is 7 / 28 / 3 / 0.25; {@code default-3} adds the cohort-aware rules and
   * the risk score; {@code default-5} is the retrained model with thresholds 0.88 / 0.73; {@code
   * default-6} also scores at grades between course days ({@code riskScore.updateAtGrades}).
   */
  public static final String DEFAULT_VERSION = "default-6";

  /** The configuration with every default. */
  public static final RulesConfig DEFAULTS = of(null, null, null, null, null, null);

  /** The four original rules as given, the cohort-aware ones at their defaults. */
  public static RulesConfig of(
      String version,
      Double cooldownDays,
      LoginInactive loginInactive,
      NoSubmissions noSubmissions,
      MissedDeadlines missedDeadlines,
      ActivityDrop activityDrop) {
    return of(version, cooldownDays, loginInactive, noSubmissions, missedDeadlines, activityDrop,
        null, null, null, null, null);
  }

  /** A configuration where every {@code null} argument takes its default. */
  @JsonCreator
  public static RulesConfig of(
      @JsonProperty("version") String version,
      @JsonProperty("cooldownDays") Double cooldownDays,
      @JsonProperty("loginInactive") LoginInactive loginInactive,
      @JsonProperty("noSubmissions") NoSubmissions noSubmissions,
      @JsonProperty("missedDeadlines") MissedDeadlines missedDeadlines,
      @JsonProperty("activityDrop") ActivityDrop activityDrop,
      @JsonProperty("inactive") Inactive inactive,
      @JsonProperty("missedWork") MissedWork missedWork,
      @JsonProperty("lowGrades") LowGrades lowGrades,
      @JsonProperty("riskScore") RiskScoreRule riskScore,
      @JsonProperty("courseCalendar") java.util.Map<String, java.util.List<Break>> courseCalendar) {
    requireBreaks(courseCalendar);
    return new RulesConfig(
        version == null || version.isBlank() ? DEFAULT_VERSION : version,
        cooldownDays == null ? 3 : requireNonNegative("cooldownDays", cooldownDays),
        loginInactive == null ? LoginInactive.of(null, null) : loginInactive,
        noSubmissions == null ? NoSubmissions.of(null, null) : noSubmissions,
        missedDeadlines == null ? MissedDeadlines.of(null, null, null) : missedDeadlines,
        activityDrop == null ? ActivityDrop.of(null, null, null, null, null) : activityDrop,
        inactive == null ? Inactive.of(null, null, null) : inactive,
        missedWork == null ? MissedWork.of(null, null, null, null) : missedWork,
        lowGrades == null ? LowGrades.of(null, null) : lowGrades,
        riskScore == null ? RiskScoreRule.of(null, null, null, null, null, null) : riskScore,
        courseCalendar == null ? java.util.Map.of() : new java.util.TreeMap<>(courseCalendar));
  }

  /**
   * {@link Rule#INACTIVE}: no activity in the course (page views, submissions) for at least
   * {@code minDays} (default 7; declared breaks do not count) while at least {@code classShare}
   * (default 0.5) of the classmates were active in the course since the student's last activity.
   * A class-wide quiet spell therefore raises nothing. Off by default until tuned on 2013B.
   */
  public record Inactive(boolean enabled, double minDays, double classShare) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static Inactive of(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("minDays") Double minDays,
        @JsonProperty("classShare") Double classShare) {
      // Off until tuned on real data: on the simulator its defaults alert 24 % of engaged pairs.
      return new Inactive(
          enabled != null && enabled,
          minDays == null ? 7 : requirePositive("inactive.minDays", minDays),
          classShare == null ? 0.5 : requireShare("inactive.classShare", classShare));
    }
  }

  /**
   * {@link Rule#MISSED_WORK}: among the assessments whose deadline (due + {@code
   * missedDeadlines.graceHours}) passed in the last {@code windowDays} (default 35), at least
   * {@code minDue} (default 1), the share missed is at least {@code share} (default 0.3). The
   * course's cadence decides: in 35 days a weekly course has five deadlines (one missed: 0.2, not
   * flagged), a course with three assessments one or two (one missed: flagged). Off by default
   * until tuned on 2013B.
   */
  public record MissedWork(boolean enabled, double share, int minDue, double windowDays) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static MissedWork of(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("share") Double share,
        @JsonProperty("minDue") Integer minDue,
        @JsonProperty("windowDays") Double windowDays) {
      // Off until tuned on real data: on the simulator its defaults alert 10 % of engaged pairs.
      return new MissedWork(
          enabled != null && enabled,
          share == null ? 0.3 : requireShare("missedWork.share", share),
          minDue == null ? 1 : (int) requirePositive("missedWork.minDue", minDue),
          windowDays == null ? 35 : requirePositive("missedWork.windowDays", windowDays));
    }
  }

  /**
   * {@link Rule#LOW_GRADES}: a graded submission below {@code passMark} (default 0.4 of the points
   * possible, OULAD's pass mark); resolved by a later graded submission at or above it.
   */
  public record LowGrades(boolean enabled, double passMark) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static LowGrades of(
        @JsonProperty("enabled") Boolean enabled, @JsonProperty("passMark") Double passMark) {
      return new LowGrades(
          enabled != null && enabled, // off by default: precision 0.67 on 2013B (docs/rules.md)
          passMark == null ? 0.4 : requireShare("lowGrades.passMark", passMark));
    }
  }

  /**
   * {@link Rule#RISK_SCORE}: opens when the score reaches {@code openThreshold} (default 0.88), but
   * never more than {@code budgetPercent} (default 25) of a course's active students at once (the
   * highest scores first); resolves when the score falls below {@code closeThreshold} (default
   * 0.73). No alert before course day {@code minCourseDay} (default 14). Chosen on OULAD 2013B as
   * the most recall with, all default rules on, at most 15 % of passing students alerted and at
   * most 20 % in each module (docs/rules.md). With {@code updateAtGrades} (default on) a grade
   * between course days scores the student again at once, and may open or resolve an alert then
   * rather than at the day's end: on 2013B, over the whole term, the same recall with 13.6 % of
   * passers alerted instead of 13.3 %, and by week 4 a recall of 0.42 instead of 0.40
   * (docs/rules.md, "When the score moves").
   */
  public record RiskScoreRule(
      boolean enabled,
      double threshold,
      double resolveBelow,
      double budgetPercent,
      int minCourseDay,
      boolean updateAtGrades) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static RiskScoreRule of(
        @JsonProperty("enabled") Boolean enabled,
        @JsonProperty("openThreshold") Double threshold,
        @JsonProperty("closeThreshold") Double resolveBelow,
        @JsonProperty("budgetPercent") Double budgetPercent,
        @JsonProperty("minCourseDay") Integer minCourseDay,
        @JsonProperty("updateAtGrades") Boolean updateAtGrades) {
      double t = threshold == null ? 0.88 : requireShare("riskScore.openThreshold", threshold);
      double r = resolveBelow == null ? Math.min(0.73, t) : requireShare("riskScore.closeThreshold", resolveBelow);
      if (r > t) {
        throw new IllegalArgumentException(
            "riskScore.closeThreshold (" + r + ") must not be above riskScore.openThreshold (" + t + ")");
      }
      double b = budgetPercent == null ? 25 : requireNonNegative("riskScore.budgetPercent", budgetPercent);
      if (b > 100) {
        throw new IllegalArgumentException("riskScore.budgetPercent must be 0..100, was " + b);
      }
      return new RiskScoreRule(
          enabled == null || enabled, t, r, b,
          minCourseDay == null ? 14 : (int) requireNonNegative("riskScore.minCourseDay", minCourseDay),
          updateAtGrades == null || updateAtGrades);
    }
  }

  /** A declared break of a course: no work expected from {@code from} to {@code to}, inclusive. */
  public record Break(java.time.LocalDate from, java.time.LocalDate to) {
    /** Both dates required, in order. */
    @JsonCreator
    public static Break of(@JsonProperty("from") String fromText, @JsonProperty("to") String toText) {
      if (fromText == null || toText == null) {
        throw new IllegalArgumentException("breaks need 'from' and 'to' dates (YYYY-MM-DD)");
      }
      java.time.LocalDate from = date(fromText);
      java.time.LocalDate to = date(toText);
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("the break ends (" + to + ") before it starts (" + from + ")");
      }
      return new Break(from, to);
    }

    private static java.time.LocalDate date(String text) {
      try {
        return java.time.LocalDate.parse(text.trim());
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("'" + text + "' is not a date; write YYYY-MM-DD", e);
      }
    }
  }

  /** An empty entry ("-" alone in YAML) reads as null and failed the engine mid-run. */
  private static void requireBreaks(java.util.Map<String, java.util.List<Break>> calendar) {
    if (calendar == null) {
      return;
    }
    calendar.forEach(
        (course, breaks) -> {
          if (breaks == null) {
            throw new IllegalArgumentException(
                "courseCalendar." + course + " is empty: list its breaks, each with from and to");
          }
          for (int i = 0; i < breaks.size(); i++) {
            if (breaks.get(i) == null) {
              throw new IllegalArgumentException(
                  "courseCalendar." + course + "[" + i + "] is empty: give it from and to dates"
                      + " (YYYY-MM-DD)");
            }
          }
        });
  }

  /**
   * Days of {@code course}'s declared breaks in the UTC days {@code [fromDay, toDay)}, each day
   * once however many declared breaks cover it (overlapping breaks counted twice before, and a
   * silence then held more break days than days).
   */
  int breakDays(String course, int fromDay, int toDay) {
    java.util.List<Break> breaks = courseCalendar.get(course);
    if (breaks == null) {
      return 0;
    }
    java.util.List<int[]> spans = new java.util.ArrayList<>(breaks.size());
    for (Break b : breaks) {
      int lo = Math.max(fromDay, (int) b.from().toEpochDay());
      int hi = Math.min(toDay, (int) b.to().toEpochDay() + 1);
      if (lo < hi) {
        spans.add(new int[] {lo, hi});
      }
    }
    spans.sort(java.util.Comparator.comparingInt(span -> span[0]));
    int n = 0;
    int coveredTo = Integer.MIN_VALUE;
    for (int[] span : spans) {
      int lo = Math.max(span[0], coveredTo);
      if (span[1] > lo) {
        n += span[1] - lo;
        coveredTo = span[1];
      }
    }
    return n;
  }

  private static double requireShare(String field, double v) {
    if (!(v >= 0 && v <= 1)) {
      throw new IllegalArgumentException(field + " must be between 0 and 1, was " + v);
    }
    return v;
  }

  /** {@link Rule#LOGIN_INACTIVE}: no login for {@code days} (default 7) while a course runs. */
  public record LoginInactive(boolean enabled, double days) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static LoginInactive of(
        @JsonProperty("enabled") Boolean enabled, @JsonProperty("days") Double days) {
      return new LoginInactive(
          enabled != null && enabled, // off by default: alerted 93 % of 2013B passers
          days == null ? 7 : requirePositive("loginInactive.days", days));
    }
  }

  /** {@link Rule#NO_SUBMISSIONS}: no submission for {@code days} (default 28) while work was owed. */
  public record NoSubmissions(boolean enabled, double days) {
    /** Defaults for {@code null} arguments. */
    @JsonCreator
    public static NoSubmissions of(
        @JsonProperty("enabled") Boolean enabled, @JsonProperty("days") Double days) {
      return new NoSubmissions(
          enabled != null && enabled, // off by default: alerted 65 % of 2013B passers
          days == null ? 28 : requirePositive("noSubmissions.days", days));
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
          enabled != null && enabled, // off by default: alerted 81 % of 2013B passers
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
      case INACTIVE:
        return inactive.enabled();
      case MISSED_WORK:
        return missedWork.enabled();
      case LOW_GRADES:
        return lowGrades.enabled();
      case RISK_SCORE:
        return riskScore.enabled();
      default:
        throw new IllegalArgumentException(rule.name());
    }
  }

  /** A copy with {@code rule} switched on or off, every threshold kept. */
  public RulesConfig withEnabled(Rule rule, boolean on) {
    LoginInactive li = loginInactive;
    NoSubmissions ns = noSubmissions;
    MissedDeadlines md = missedDeadlines;
    ActivityDrop ad = activityDrop;
    Inactive in = inactive;
    MissedWork mw = missedWork;
    LowGrades lg = lowGrades;
    RiskScoreRule rs = riskScore;
    switch (rule) {
      case LOGIN_INACTIVE:
        li = new LoginInactive(on, li.days());
        break;
      case NO_SUBMISSIONS:
        ns = new NoSubmissions(on, ns.days());
        break;
      case MISSED_DEADLINES:
        md = new MissedDeadlines(on, md.consecutive(), md.graceHours());
        break;
      case ACTIVITY_DROP:
        ad = new ActivityDrop(on, ad.ratio(), ad.baselineWeeks(), ad.minBaseline(), ad.basis());
        break;
      case INACTIVE:
        in = new Inactive(on, in.minDays(), in.classShare());
        break;
      case MISSED_WORK:
        mw = new MissedWork(on, mw.share(), mw.minDue(), mw.windowDays());
        break;
      case LOW_GRADES:
        lg = new LowGrades(on, lg.passMark());
        break;
      case RISK_SCORE:
        rs =
            new RiskScoreRule(
                on, rs.threshold(), rs.resolveBelow(), rs.budgetPercent(), rs.minCourseDay(),
                rs.updateAtGrades());
        break;
      default:
        throw new IllegalArgumentException(rule.name());
    }
    return new RulesConfig(
        version, cooldownDays, li, ns, md, ad, in, mw, lg, rs, courseCalendar);
  }

  /** A copy with only the given rules switched on. */
  public RulesConfig withOnly(Rule... on) {
    java.util.Set<Rule> keep = java.util.EnumSet.noneOf(Rule.class);
    keep.addAll(java.util.List.of(on));
    RulesConfig c = this;
    for (Rule r : Rule.values()) {
      c = c.withEnabled(r, keep.contains(r));
    }
    return c;
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
    return RulesFiles.fromYaml(in);
  }

  /** Reads a configuration from a YAML file; see {@link #fromYaml(InputStream)}. */
  public static RulesConfig fromYaml(Path file) throws IOException {
    return RulesFiles.fromYaml(file);
  }

  /**
   * Reads a configuration from a {@code .properties} file: the YAML keys flattened with dots
   * ({@code loginInactive.days=7}, {@code activityDrop.enabled=false}); same defaults and checks.
   *
   * @throws IllegalArgumentException naming the field when the file is not a valid configuration
   */
  public static RulesConfig fromProperties(java.io.Reader in) throws IOException {
    return RulesFiles.fromProperties(in);
  }

  /** Reads {@code file} as properties when its name ends in {@code .properties}, else as YAML. */
  public static RulesConfig fromFile(Path file) throws IOException {
    return RulesFiles.fromFile(file);
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
