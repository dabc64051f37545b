package coursepulse.lms.quality;

import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.LoggedOut;
import coursepulse.lms.event.SubmissionCreated;
import coursepulse.lms.risk.RiskScore;
import coursepulse.lms.risk.RiskScoreCodec;
import coursepulse.lms.risk.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntToDoubleFunction;

/**
 * Scores alerts and risk scores against real outcomes, per student-course pair of a {@link Cohort}.
 * Records are handed over one at a time, in stream order, and only what the figures need is kept
 * per pair (the first alert per rule, the latest score per cut-off, active days in a few weeks), so
 * streams of millions of records pass through in constant memory per pair:
 *
 * <pre>{@code
 * Cohort cohort = Cohort.builder(filter).enrollment(...).build(outcomes);
 * OutcomeEvaluation eval = new OutcomeEvaluation(cohort, true);
 * alerts.forEach(eval::alert);      // 04-Alerts
 * risk.forEach(eval::risk);         // 05-Risk, optional
 * activity.forEach(eval::activity); // 02-Login and 03-Activity, for the reference score
 * QualityReport report = eval.report();
 * }</pre>
 *
 * <p>Not thread-safe. Definitions: {@code docs/quality.md}.
 */
public final class OutcomeEvaluation {

  /** The course weeks of the cumulative figures and the AUCs. */
  public static final List<Integer> WEEKS = List.of(2, 4, 8, 12);

  /** The reference score counts active days in this many days before the cut-off. */
  public static final int REFERENCE_WINDOW_DAYS = 28;

  private static final int FIRST_DAY = WEEKS.get(0) * 7 - REFERENCE_WINDOW_DAYS;
  private static final int LAST_DAY = WEEKS.get(WEEKS.size() - 1) * 7 - 1;

  private final Cohort cohort;
  private final boolean reference;
  private final String applicationId;
  private final String rulesHash;
  private final int n;

  // A reset and re-run append the same records again (deterministic ids): each counts once, as
  // the ground-truth path's AlertCodec.decodeDistinct counts them.
  private final java.util.Set<String> alertRecords = new java.util.HashSet<>();
  private final RecordFingerprints riskRecordsSeen = new RecordFingerprints();
  private long alertsMatched;

  private final Map<String, long[]> firstAlertByRule = new HashMap<>();
  private final Map<String, Long> openingsByRule = new HashMap<>();
  private final Map<String, long[]> firstAlertBySeverity = new HashMap<>();
  private final Map<String, Long> openingsBySeverity = new HashMap<>();
  private long openings;
  private long attributed;
  private long resolutions;
  private long unreadableAlerts;

  private final double[][] alertScore;
  private boolean alertScores;

  private final double[][] riskScore;
  private final long[][] riskAt;
  private long riskRecords;
  private long riskMatched;
  private long unreadableRisk;

  private final BitSet[] activeDays;
  private long activityRecords;
  private long unreadableActivity;

  /**
   * An evaluation of {@code cohort}.
   *
   * @param reference whether the reference score (active days in the last 28) is wanted: then
   *     {@link #activity} must be given {@code 02-Login} and {@code 03-Activity}
   */
  public OutcomeEvaluation(Cohort cohort, boolean reference) {
    this(cohort, reference, null, null);
  }

  /**
   * An evaluation of {@code cohort} that scores only the alerts stamped with {@code applicationId}
   * and {@code rulesHash} ({@code null}: any), as {@code evaluate --ground-truth} selects them.
   */
  public OutcomeEvaluation(
      Cohort cohort, boolean reference, String applicationId, String rulesHash) {
    this.cohort = cohort;
    this.reference = reference;
    this.applicationId = applicationId;
    this.rulesHash = rulesHash;
    this.n = cohort.size();
    alertScore = new double[WEEKS.size()][n];
    riskScore = new double[WEEKS.size()][n];
    riskAt = new long[WEEKS.size()][n];
    for (int w = 0; w < WEEKS.size(); w++) {
      Arrays.fill(alertScore[w], Double.NaN);
      Arrays.fill(riskAt[w], Long.MIN_VALUE);
    }
    activeDays = reference ? new BitSet[n] : new BitSet[0];
  }

  /**
   * One record of {@code 04-Alerts}: openings count, resolutions and unreadable records do not;
   * records of other applications or rules, and records read before (same alert id and type), are
   * skipped.
   */
  public void alert(byte[] body) {
    AlertRecord r;
    try {
      r = AlertRecord.decode(body);
    } catch (IllegalArgumentException e) {
      unreadableAlerts++;
      return;
    }
    if (!r.matches(applicationId, rulesHash)) {
      return;
    }
    String key = r.recordKey();
    if (key != null && !alertRecords.add(key)) {
      return;
    }
    alertsMatched++;
    if (r.opening() == null) {
      resolutions++;
      return;
    }
    alert(r.opening());
  }

  /**
   * The alert records that matched the application id and rules hash, each once (so a user can be
   * told when a filter matched nothing).
   */
  public long alertsMatched() {
    return alertsMatched;
  }

  /**
   * One alert opening. A course-level alert counts for its pair, a student-level one for each pair
   * of the student; either only when it opened within the pair's term while the student was
   * enrolled.
   */
  public void alert(AlertOpening a) {
    openings++;
    long t = a.openedAt().toEpochMilli();
    boolean counted = false;
    if (a.courseId() != null) {
      int i = cohort.indexOf(a.studentId(), a.courseId());
      if (i >= 0 && cohort.inTerm(i, t)) {
        count(a, i, t);
        counted = true;
      }
    } else {
      for (int i : cohort.indexesOf(a.studentId())) {
        if (cohort.inTerm(i, t)) {
          count(a, i, t);
          counted = true;
        }
      }
    }
    if (counted) {
      attributed++;
      openingsByRule.merge(a.rule(), 1L, Long::sum);
      if (a.severity() != null) {
        openingsBySeverity.merge(a.severity(), 1L, Long::sum);
      }
    }
  }

  private void count(AlertOpening a, int i, long t) {
    long[] first = firstAlertByRule.computeIfAbsent(a.rule(), r -> never());
    first[i] = Math.min(first[i], t);
    if (a.severity() != null) {
      long[] bySeverity = firstAlertBySeverity.computeIfAbsent(a.severity(), r -> never());
      bySeverity[i] = Math.min(bySeverity[i], t);
    }
    if (a.hasScore()) {
      alertScores = true;
      for (int w = 0; w < WEEKS.size(); w++) {
        if (t <= cohort.cutMs(i, WEEKS.get(w))) {
          double s = alertScore[w][i];
          alertScore[w][i] = Double.isNaN(s) ? a.score() : Math.max(s, a.score());
        }
      }
    }
  }

  private long[] never() {
    long[] none = new long[n];
    Arrays.fill(none, Long.MAX_VALUE);
    return none;
  }

  /** One record of {@code 05-Risk}: the latest score at or before each cut-off is kept. */
  public void risk(byte[] body) {
    RiskScore r;
    try {
      r = RiskScoreCodec.decode(body);
    } catch (IllegalArgumentException e) {
      unreadableRisk++;
      return;
    }
    risk(r);
  }

  /**
   * One risk score; a later record for the same time replaces an earlier one. A record equal to
   * one read before (student, course, time and score: a reset and re-run write the same records
   * again) is not counted again; it could change no score.
   */
  public void risk(RiskScore r) {
    if (!riskRecordsSeen.add(r.studentId(), r.courseId(), r.at(), r.score())) {
      return;
    }
    riskRecords++;
    int i = cohort.indexOf(r.studentId(), r.courseId());
    if (i < 0) {
      return;
    }
    riskMatched++;
    long t = r.at().toEpochMilli();
    for (int w = 0; w < WEEKS.size(); w++) {
      if (t <= cohort.cutMs(i, WEEKS.get(w)) && t >= riskAt[w][i]) {
        riskAt[w][i] = t;
        riskScore[w][i] = r.score();
      }
    }
  }

  /**
   * One record of {@code 02-Login} or {@code 03-Activity}, for the reference score: any student
   * event is activity on its day; a course event for its pair, a login for every pair the student
   * was enrolled in at the time. Ignored unless the reference was asked for.
   */
  public void activity(byte[] body) {
    if (!reference) {
      return;
    }
    activityRecords++;
    LmsEvent e;
    try {
      e = EventCodec.decode(body);
    } catch (RuntimeException ex) {
      unreadableActivity++;
      return;
    }
    long t = e.occurredAt().toEpochMilli();
    if (e instanceof AssetAccessed a) {
      active(cohort.indexOf(a.studentId(), a.courseId()), t);
    } else if (e instanceof SubmissionCreated s) {
      active(cohort.indexOf(s.studentId(), s.courseId()), t);
    } else if (e instanceof LoggedIn || e instanceof LoggedOut) {
      for (int i : cohort.indexesOf(e.key())) {
        if (cohort.enrolledAt(i, t)) {
          active(i, t);
        }
      }
    }
  }

  private void active(int i, long t) {
    if (i < 0) {
      return;
    }
    long day = Math.floorDiv(t - cohort.startMs[i], Cohort.DAY_MS);
    if (day < FIRST_DAY || day > LAST_DAY) {
      return;
    }
    if (activeDays[i] == null) {
      activeDays[i] = new BitSet(LAST_DAY - FIRST_DAY + 1);
    }
    activeDays[i].set((int) (day - FIRST_DAY));
  }

  /**
   * The most urgent first ({@link Severity}'s order reversed), then names this version does not
   * know.
   */
  private static int severityRank(String code) {
    for (Severity s : Severity.values()) {
      if (s.code().equals(code)) {
        return Severity.values().length - 1 - s.ordinal();
      }
    }
    return Severity.values().length;
  }

  /** Whole-term figures per name (rule or severity), in {@code order}. */
  private List<QualityReport.RuleFigures> figuresBy(
      Map<String, long[]> firstAlert, Map<String, Long> openingsBy, Comparator<String> order) {
    Map<String, long[]> sorted = new TreeMap<>(order);
    sorted.putAll(firstAlert);
    List<QualityReport.RuleFigures> out = new ArrayList<>();
    sorted.forEach((name, first) -> out.add(new QualityReport.RuleFigures(
        openingsBy.getOrDefault(name, 0L), Figures.of(name, 0, cohort, first))));
    return out;
  }

  /** The figures of everything handed over so far. */
  public QualityReport report() {
    long[] firstAny = new long[n];
    Arrays.fill(firstAny, Long.MAX_VALUE);
    for (long[] first : firstAlertByRule.values()) {
      for (int i = 0; i < n; i++) {
        firstAny[i] = Math.min(firstAny[i], first[i]);
      }
    }
    Figures overall = Figures.of("whole term", 0, cohort, firstAny);
    List<Figures> weeks = new ArrayList<>();
    for (int week : WEEKS) {
      weeks.add(Figures.of("week " + week, week, cohort, firstAny));
    }
    List<QualityReport.RuleFigures> perRule =
        figuresBy(firstAlertByRule, openingsByRule, Comparator.naturalOrder());
    List<QualityReport.RuleFigures> perSeverity = figuresBy(firstAlertBySeverity, openingsBySeverity,
        Comparator.comparingInt(OutcomeEvaluation::severityRank).thenComparing(Comparator.naturalOrder()));

    QualityReport.ScoreSource source = riskMatched > 0
        ? QualityReport.ScoreSource.RISK_STREAM
        : alertScores ? QualityReport.ScoreSource.ALERT_SCORE : QualityReport.ScoreSource.NONE;
    List<WeekAuc> riskAuc = new ArrayList<>();
    List<WeekAuc> referenceAuc = new ArrayList<>();
    for (int w = 0; w < WEEKS.size(); w++) {
      int week = WEEKS.get(w);
      double[][] scores = source == QualityReport.ScoreSource.RISK_STREAM ? riskScore : alertScore;
      int cutIndex = w;
      if (source != QualityReport.ScoreSource.NONE) {
        // A pair without a score by the cut-off scores 0 (risk records default to 0 already).
        riskAuc.add(auc(week, i -> {
          double s = scores[cutIndex][i];
          return Double.isNaN(s) ? 0 : s;
        }));
      }
      if (reference) {
        int windowEnd = week * 7 - FIRST_DAY; // exclusive bit index of the cut-off day
        referenceAuc.add(auc(week, i -> {
          BitSet days = activeDays[i];
          int active = days == null ? 0 : days.get(windowEnd - REFERENCE_WINDOW_DAYS, windowEnd)
              .cardinality();
          return REFERENCE_WINDOW_DAYS - active;
        }));
      }
    }
    QualityReport.Inputs inputs = new QualityReport.Inputs(openings, attributed, resolutions,
        unreadableAlerts, riskRecords, riskMatched, unreadableRisk, reference, activityRecords,
        unreadableActivity);
    return new QualityReport(cohort.courses(), cohort.counts(), inputs, overall, weeks, perRule, perSeverity, source, riskAuc,
        referenceAuc, Target.of(overall, riskAuc));
  }

  private WeekAuc auc(int week, IntToDoubleFunction score) {
    int enrolled = 0;
    for (int i = 0; i < n; i++) {
      enrolled += cohort.enrolledAt(i, cohort.cutMs(i, week)) ? 1 : 0;
    }
    double[] scores = new double[enrolled];
    boolean[] atRisk = new boolean[enrolled];
    int k = 0;
    int positives = 0;
    for (int i = 0; i < n; i++) {
      if (cohort.enrolledAt(i, cohort.cutMs(i, week))) {
        scores[k] = score.applyAsDouble(i);
        atRisk[k] = cohort.result(i).atRisk();
        positives += atRisk[k] ? 1 : 0;
        k++;
      }
    }
    return new WeekAuc(week, enrolled, positives, RocAuc.of(scores, atRisk));
  }
}
