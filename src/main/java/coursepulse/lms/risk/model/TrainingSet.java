package coursepulse.lms.risk.model;

import coursepulse.lms.outcome.Outcome;
import coursepulse.lms.risk.RiskScore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Labelled feature rows to fit a {@link RiskModel} on: one row per student, course and course-week
 * cut-off (course day 7, 14, …), labelled with whether the student later withdrew or failed, kept
 * only while the student was still enrolled. Rows are held in a canonical order (student, course,
 * course day), so the fit never depends on the order the records arrived in.
 */
public final class TrainingSet {

  /** The feature holding whole days since the course started; cut-offs are its multiples of 7. */
  public static final String COURSE_DAY = "courseDay";

  /**
   * One labelled row.
   *
   * @param studentId the student
   * @param courseId the course
   * @param at the event time of the cut-off
   * @param courseDay whole days since the course started
   * @param atRisk the label: the student withdrew or failed
   * @param values raw feature values in {@link #featureNames()} order; NaN where missing (not
   *     copied: do not modify)
   */
  public record Row(
      String studentId,
      String courseId,
      Instant at,
      int courseDay,
      boolean atRisk,
      double[] values) {
    public Row {
      Objects.requireNonNull(studentId, "studentId");
      Objects.requireNonNull(courseId, "courseId");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(values, "values");
    }
  }

  /**
   * Which records to train on.
   *
   * @param from earliest event time, inclusive; {@code null} for no bound
   * @param to latest event time, exclusive; {@code null} for no bound
   * @param courses comma-separated globs over course ids ({@code *} any text, {@code ?} one
   *     character), e.g. {@code *-2013B}; {@code null} for every course
   */
  public record Window(Instant from, Instant to, String courses) {
    /** Every record. */
    public static final Window ALL = new Window(null, null, null);

    public Window {
      if (from != null && to != null && !from.isBefore(to)) {
        throw new IllegalArgumentException("--from " + from + " must be before --to " + to);
      }
    }

    boolean contains(Instant at) {
      return (from == null || !at.isBefore(from)) && (to == null || at.isBefore(to));
    }

    Pattern coursePattern() {
      if (courses == null || courses.isBlank()) {
        return Pattern.compile(".*");
      }
      List<String> alternatives = new ArrayList<>();
      for (String glob : courses.split(",")) {
        StringBuilder re = new StringBuilder();
        for (String part : glob.strip().split("(?=[*?])|(?<=[*?])")) {
          re.append(part.equals("*") ? ".*" : part.equals("?") ? "." : Pattern.quote(part));
        }
        alternatives.add(re.toString());
      }
      return Pattern.compile(String.join("|", alternatives));
    }
  }

  /**
   * How many records were left out, and why (so a user can tell a wrong window from wrong ids).
   *
   * @param notCutOff not at a course-week cut-off (course day 0, not a multiple of 7, or missing)
   * @param outsideWindow outside {@link Window#from()}–{@link Window#to()}
   * @param otherCourse course not matching {@link Window#courses()}
   * @param noOutcome no outcome for the student-course
   * @param notEnrolled at or after the student withdrew
   * @param duplicates another record of the same student, course and course day was kept: the
   *     earliest of the day (the cut-off itself; later ones are score updates during the day), of
   *     records at the same time the last read (a replay re-emits the same values)
   */
  public record Skipped(
      long notCutOff,
      long outsideWindow,
      long otherCourse,
      long noOutcome,
      long notEnrolled,
      long duplicates) {}

  private final List<String> featureNames;
  private final List<Row> rows;
  private final Skipped skipped;

  private TrainingSet(List<String> featureNames, List<Row> rows, Skipped skipped) {
    this.featureNames = List.copyOf(featureNames);
    for (Row r : rows) {
      if (r.values().length != featureNames.size()) {
        throw new IllegalArgumentException(
            "row "
                + r.studentId()
                + "/"
                + r.courseId()
                + " has "
                + r.values().length
                + " values for "
                + featureNames.size()
                + " features");
      }
    }
    List<Row> sorted = new ArrayList<>(rows);
    sorted.sort(CANONICAL);
    this.rows = List.copyOf(sorted);
    this.skipped = skipped;
  }

  private static final Comparator<Row> CANONICAL =
      Comparator.comparing(Row::studentId)
          .thenComparing(Row::courseId)
          .thenComparingInt(Row::courseDay)
          .thenComparing(Row::at);

  /** Rows already labelled (e.g. read from a feature CSV); sorted into the canonical order. */
  public static TrainingSet of(List<String> featureNames, List<Row> rows) {
    return new TrainingSet(featureNames, rows, new Skipped(0, 0, 0, 0, 0, 0));
  }

  /**
   * The rows of {@code scores} (records of {@code 05-Risk}) at course-week cut-offs (course day 7,
   * 14, …) within {@code window}, labelled from {@code outcomes} ({@link
   * coursepulse.lms.outcome.FinalResult#atRisk()}), while the student was still enrolled (before
   * {@code withdrawnAt}; a withdrawal without a date keeps every row). When several records share
   * student, course and course day, the earliest counts (the cut-off; later ones that day are score
   * updates), and of records at the same time the last read. Features are those the records carry,
   * in the order they first appear in the canonical row order; a feature absent from a record is
   * missing (NaN) in its row.
   */
  public static TrainingSet fromScores(
      Iterable<RiskScore> scores, List<Outcome> outcomes, Window window) {
    Builder builder = builder(outcomes, window);
    scores.forEach(builder::add);
    return builder.build();
  }

  /** Collects the rows of records added one at a time, as {@link #fromScores} describes. */
  public static Builder builder(List<Outcome> outcomes, Window window) {
    return new Builder(outcomes, window);
  }

  /** Keeps only the records that become rows, so a long stream need not be held in memory. */
  public static final class Builder {
    private final Map<String, Outcome> outcomeByPair = new HashMap<>();
    private final Window window;
    private final Pattern courses;
    private final TreeMap<Key, RiskScore> kept = new TreeMap<>();
    private final Map<Key, Outcome> outcomeByKey = new HashMap<>();
    private long notCutOff;
    private long outside;
    private long otherCourse;
    private long noOutcome;
    private long notEnrolled;
    private long duplicates;

    private Builder(List<Outcome> outcomes, Window window) {
      for (Outcome o : outcomes) {
        outcomeByPair.put(pair(o.studentId(), o.courseId()), o);
      }
      this.window = window;
      this.courses = window.coursePattern();
    }

    /** Adds one record of {@code 05-Risk}; it becomes a row or is counted as skipped. */
    public void add(RiskScore s) {
      Double day = s.features().get(COURSE_DAY);
      if (day == null || day < 7 || day % 7 != 0) {
        notCutOff++;
        return;
      }
      if (!window.contains(s.at())) {
        outside++;
        return;
      }
      if (!courses.matcher(s.courseId()).matches()) {
        otherCourse++;
        return;
      }
      Outcome o = outcomeByPair.get(pair(s.studentId(), s.courseId()));
      if (o == null) {
        noOutcome++;
        return;
      }
      if (o.withdrawnAt() != null && !o.withdrawnAt().isAfter(s.at())) {
        notEnrolled++;
        return;
      }
      Key key = new Key(s.studentId(), s.courseId(), day.intValue());
      RiskScore earlier = kept.get(key);
      if (earlier != null) {
        duplicates++;
        // The cut-off record is the day's first; later ones that day are score updates.
        if (earlier.at().isBefore(s.at())) {
          return;
        }
      }
      kept.put(key, s);
      outcomeByKey.put(key, o);
    }

    /** The rows of the records added so far. */
    public TrainingSet build() {
      LinkedHashSet<String> names = new LinkedHashSet<>();
      kept.values().forEach(s -> names.addAll(s.features().keySet()));
      List<String> featureNames = List.copyOf(names);
      List<Row> rows = new ArrayList<>(kept.size());
      for (Map.Entry<Key, RiskScore> e : kept.entrySet()) {
        RiskScore s = e.getValue();
        double[] values = new double[featureNames.size()];
        for (int i = 0; i < values.length; i++) {
          Double v = s.features().get(featureNames.get(i));
          values[i] = v == null ? Double.NaN : v;
        }
        rows.add(
            new Row(
                s.studentId(),
                s.courseId(),
                s.at(),
                e.getKey().courseDay(),
                outcomeByKey.get(e.getKey()).finalResult().atRisk(),
                values));
      }
      return new TrainingSet(
          featureNames,
          rows,
          new Skipped(notCutOff, outside, otherCourse, noOutcome, notEnrolled, duplicates));
    }
  }

  private static String pair(String studentId, String courseId) {
    return studentId + '\u0000' + courseId;
  }

  private record Key(String studentId, String courseId, int courseDay) implements Comparable<Key> {
    @Override
    public int compareTo(Key o) {
      int c = studentId.compareTo(o.studentId);
      if (c == 0) {
        c = courseId.compareTo(o.courseId);
      }
      return c != 0 ? c : Integer.compare(courseDay, o.courseDay);
    }
  }

  /** The features, in the order of {@link Row#values()}. */
  public List<String> featureNames() {
    return featureNames;
  }

  /** The rows, by student, course and course day. */
  public List<Row> rows() {
    return rows;
  }

  /** What {@link #fromScores} left out. */
  public Skipped skipped() {
    return skipped;
  }

  /**
   * The rows within {@code window} (time and course globs, as {@link #fromScores} applies them to
   * records), those left out counted as skipped: so {@code train --rows} honours {@code
   * --from/--to/--courses} as the stream path does.
   */
  public TrainingSet within(Window window) {
    Pattern courses = window.coursePattern();
    List<Row> in = new ArrayList<>(rows.size());
    long outside = 0;
    long otherCourse = 0;
    for (Row r : rows) {
      if (!window.contains(r.at())) {
        outside++;
      } else if (!courses.matcher(r.courseId()).matches()) {
        otherCourse++;
      } else {
        in.add(r);
      }
    }
    Skipped s = skipped;
    return new TrainingSet(
        featureNames,
        in,
        new Skipped(
            s.notCutOff(),
            s.outsideWindow() + outside,
            s.otherCourse() + otherCourse,
            s.noOutcome(),
            s.notEnrolled(),
            s.duplicates()));
  }

  /**
   * Refuses a blank or repeated feature name: a model file names each feature once, so a model
   * fitted on such columns could not be loaded.
   */
  static void requireDistinctNames(List<String> names) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      if (name.isBlank()) {
        throw new IllegalArgumentException(
            "feature " + (i + 1) + " has no name (a trailing or doubled comma?): name every feature");
      }
      if (!seen.add(name)) {
        throw new IllegalArgumentException(
            "feature '" + name + "' is named twice: name each feature once");
      }
    }
  }

  /** This set restricted to {@code features} (in that order), for fitting on a subset. */
  public TrainingSet select(List<String> features) {
    requireDistinctNames(features);
    int[] index = new int[features.size()];
    for (int i = 0; i < index.length; i++) {
      index[i] = featureNames.indexOf(features.get(i));
      if (index[i] < 0) {
        throw new IllegalArgumentException(
            "feature '" + features.get(i) + "' is not in the data; it has " + featureNames);
      }
    }
    List<Row> out = new ArrayList<>(rows.size());
    for (Row r : rows) {
      double[] v = new double[index.length];
      for (int i = 0; i < index.length; i++) {
        v[i] = r.values()[index[i]];
      }
      out.add(new Row(r.studentId(), r.courseId(), r.at(), r.courseDay(), r.atRisk(), v));
    }
    return new TrainingSet(features, out, skipped);
  }
}
