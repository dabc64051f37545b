package coursepulse.lms.risk;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The feature vector of a student-course on a course day, as specified in the lead's features
 * note: model features (percentile ranks within the course's active cohort, shares, a scaled
 * score difference) and context values for plain-word factors and training joins. Names are
 * stable: {@code 05-Risk} records and model files refer to them. A feature with nothing to say
 * (no work due, no grade) is left out of the map; the model then uses its training mean.
 */
final class Features {
  // Model features.
  static final String ACTIVE_28_PCT = "activeDays28Pct";
  static final String ACTIVE_7_PCT = "activeDays7Pct";
  static final String DAYS_SINCE_PCT = "daysSinceActivePct";
  static final String CLICKS_14_PCT = "clicks14Pct";
  static final String SUBMITTED_PCT = "submittedPct";
  static final String MISSED_SHARE = "missedShare";
  static final String SCORE_VS_CLASS = "scoreVsClass";
  static final String LOG_COURSE_WEEK = "logCourseWeek";
  static final String EARNED_SHARE = "earnedShare";
  static final String UNSUBMITTED_SHARE = "unsubmittedShare";
  static final String ACTIVITY_TREND = "activityTrend";
  static final String DAYS_SINCE_VS_CLASS = "daysSinceVsClass";
  // Context values.
  static final String COURSE_DAY = "courseDay";
  static final String ACTIVE_28 = "activeDays28";
  static final String ACTIVE_28_MEDIAN = "activeDays28Median";
  static final String ACTIVE_7 = "activeDays7";
  static final String DAYS_SINCE_ACTIVE = "daysSinceActive";
  static final String DAYS_SINCE_MEDIAN = "daysSinceActiveMedian";
  static final String CLICKS_14 = "clicks14";
  static final String CLICKS_14_MEDIAN = "clicks14Median";
  static final String SUBMITTED = "submitted";
  static final String SUBMITTED_MEDIAN = "submittedMedian";
  static final String MISSED = "missed";
  static final String DUE = "due";
  static final String UNSUBMITTED = "unsubmitted";
  static final String SCORE_MEAN = "scoreMean";
  static final String SCORE_CLASS_MEDIAN = "scoreClassMedian";
  static final String CLASS_ACTIVE_7 = "classActiveShare7";
  /** Share of classmates active in the course since the student's last activity ({@code INACTIVE}). */
  static final String CLASS_ACTIVE_SINCE = "classActiveSince";
  /** Deadlines passed in the last {@code missedWork.windowDays}, and those missed ({@code MISSED_WORK}). */
  static final String DUE_RECENT = "dueRecent";
  static final String MISSED_RECENT = "missedRecent";

  private Features() {}

  /** One student's raw figures of the day and their percentile ranks in the cohort. */
  record Own(
      int active7, int active28, int daysSince, int clicks14, int submitted, double classSince,
      int graded, double scoreMean, double classMedianMean, int dueRecent, int missedRecent,
      double active7Pct, double active28Pct, double daysSincePct, double clicks14Pct,
      double submittedPct) {}

  /** Cohort medians and the share of the cohort active in the last 7 days. */
  record Cohort(
      double active28Median, double daysSinceMedian, double clicks14Median, double submittedMedian,
      double classActive7) {}

  /** Every name {@link #of} may fill, in the order its maps iterate (05-Risk writes them so). */
  private static final String[] NAMES = {
    ACTIVE_28_PCT, ACTIVE_7_PCT, DAYS_SINCE_PCT, CLICKS_14_PCT, SUBMITTED_PCT, MISSED_SHARE,
    SCORE_VS_CLASS, LOG_COURSE_WEEK, UNSUBMITTED_SHARE, EARNED_SHARE, ACTIVITY_TREND,
    DAYS_SINCE_VS_CLASS, COURSE_DAY, ACTIVE_28, ACTIVE_28_MEDIAN, ACTIVE_7, DAYS_SINCE_ACTIVE,
    DAYS_SINCE_MEDIAN, CLICKS_14, CLICKS_14_MEDIAN, SUBMITTED, SUBMITTED_MEDIAN, MISSED, DUE,
    UNSUBMITTED, SCORE_MEAN, SCORE_CLASS_MEDIAN, CLASS_ACTIVE_7, CLASS_ACTIVE_SINCE, DUE_RECENT,
    MISSED_RECENT
  };

  private static final Map<String, Integer> INDEX = new HashMap<>();

  /** Every name {@link #of} may fill, in its order: the features a model can be given. */
  static List<String> names() {
    return List.of(NAMES);
  }

  static {
    for (int i = 0; i < NAMES.length; i++) {
      INDEX.put(NAMES[i], i);
    }
  }

  static Map<String, Double> of(
      double courseDay, Own o, StudentCourse sc, Cohort c, WorkSignal.Summary w) {
    Values f = new Values();
    f.put(ACTIVE_28_PCT, o.active28Pct());
    f.put(ACTIVE_7_PCT, o.active7Pct());
    f.put(DAYS_SINCE_PCT, o.daysSincePct());
    f.put(CLICKS_14_PCT, o.clicks14Pct());
    f.put(SUBMITTED_PCT, o.submittedPct());
    if (sc.due() > 0) {
      f.put(MISSED_SHARE, (double) sc.missed / sc.due());
    }
    if (o.graded() > 0) {
      f.put(SCORE_VS_CLASS, (o.scoreMean() - o.classMedianMean()) * 5);
    }
    f.put(LOG_COURSE_WEEK, Math.log(Math.max(1, courseDay / 7)));
    if (w.due() > 0) {
      f.put(UNSUBMITTED_SHARE, w.unsubmitted() / (double) w.due());
      f.put(EARNED_SHARE, w.earnedShare());
    }
    // This week against the student's own three weeks before, as a ratio of active days.
    f.put(ACTIVITY_TREND, Math.log((1 + o.active7()) / (1 + (o.active28() - o.active7()) / 3.0)));
    f.put(DAYS_SINCE_VS_CLASS, Math.log((1 + o.daysSince()) / (1 + c.daysSinceMedian())));
    f.put(COURSE_DAY, courseDay);
    f.put(ACTIVE_28, o.active28());
    f.put(ACTIVE_28_MEDIAN, c.active28Median());
    f.put(ACTIVE_7, o.active7());
    f.put(DAYS_SINCE_ACTIVE, o.daysSince());
    f.put(DAYS_SINCE_MEDIAN, c.daysSinceMedian());
    f.put(CLICKS_14, o.clicks14());
    f.put(CLICKS_14_MEDIAN, c.clicks14Median());
    f.put(SUBMITTED, o.submitted());
    f.put(SUBMITTED_MEDIAN, c.submittedMedian());
    f.put(MISSED, sc.missed);
    f.put(DUE, sc.due());
    f.put(UNSUBMITTED, w.unsubmitted());
    if (o.graded() > 0) {
      f.put(SCORE_MEAN, o.scoreMean() * 100);
      f.put(SCORE_CLASS_MEDIAN, o.classMedianMean() * 100);
    }
    f.put(CLASS_ACTIVE_7, c.classActive7());
    f.put(CLASS_ACTIVE_SINCE, o.classSince());
    f.put(DUE_RECENT, o.dueRecent());
    f.put(MISSED_RECENT, o.missedRecent());
    return f;
  }

  /**
   * A read-only map over an array of the {@link #NAMES} with a bit per name present: the day-end
   * scoring makes one per student-course and day, and a {@code LinkedHashMap} of boxed values (30
   * entries and 30 boxes each) took a fifth of that work. Iterates in {@link #NAMES} order, which
   * is the order {@link #of} fills it in, so what 05-Risk writes is unchanged.
   */
  private static final class Values extends AbstractMap<String, Double> {
    private final double[] values = new double[NAMES.length];
    private long present;

    /** Where the next {@link #put} looks first: {@link #of} puts in {@link #NAMES} order. */
    private int cursor;

    private void put(String name, double value) {
      int i = cursor;
      while (i < NAMES.length && NAMES[i] != name) {
        i++;
      }
      if (i == NAMES.length) {
        i = INDEX.get(name);
      }
      cursor = i + 1;
      values[i] = value;
      present |= 1L << i;
    }

    @Override
    public Double get(Object name) {
      Integer i = INDEX.get(name);
      return i != null && (present & 1L << i) != 0 ? values[i] : null;
    }

    @Override
    public boolean containsKey(Object name) {
      Integer i = INDEX.get(name);
      return i != null && (present & 1L << i) != 0;
    }

    @Override
    public int size() {
      return Long.bitCount(present);
    }

    @Override
    public Set<Entry<String, Double>> entrySet() {
      return new AbstractSet<>() {
        @Override
        public int size() {
          return Values.this.size();
        }

        @Override
        public Iterator<Entry<String, Double>> iterator() {
          return new Iterator<>() {
            private long left = present;

            @Override
            public boolean hasNext() {
              return left != 0;
            }

            @Override
            public Entry<String, Double> next() {
              if (left == 0) {
                throw new NoSuchElementException();
              }
              int i = Long.numberOfTrailingZeros(left);
              left &= left - 1;
              return new SimpleImmutableEntry<>(NAMES[i], values[i]);
            }
          };
        }
      };
    }
  }

  /** Receives a feature map's entries in order ({@link #forEach}). */
  @FunctionalInterface
  interface FeatureSink {
    void accept(String name, double value) throws IOException;
  }

  /**
   * {@code features}' entries in its order, without an entry object or a box per entry when the
   * day-end scoring made the map: a 05-Risk record writes about 30 of them.
   */
  static void forEach(Map<String, Double> features, FeatureSink sink) throws IOException {
    if (features instanceof Values) {
      Values v = (Values) features;
      for (long left = v.present; left != 0; left &= left - 1) {
        int i = Long.numberOfTrailingZeros(left);
        sink.accept(NAMES[i], v.values[i]);
      }
      return;
    }
    for (Map.Entry<String, Double> e : features.entrySet()) {
      sink.accept(e.getKey(), e.getValue());
    }
  }

  /**
   * {@code features} as a read-only map in its own order: as it is when the day-end scoring made it
   * (a copy of each of those was a sixth of a semester's replay), else a copy.
   */
  static Map<String, Double> readOnly(Map<String, Double> features) {
    if (features == null) {
      return Map.of();
    }
    if (features instanceof Values) {
      return features;
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(features));
  }

  /**
   * Percentile rank with ties at mid-rank (pandas {@code rank(pct=True)}): (values below + (equal
   * values + 1) / 2) / n, against the cohort's sorted values (the student's own included).
   */
  static double pct(int[] sorted, int x) {
    int below = lowerBound(sorted, x);
    int equal = lowerBound(sorted, x + 1) - below;
    return (below + (equal + 1) / 2.0) / sorted.length;
  }

  private static int lowerBound(int[] sorted, int v) {
    int lo = 0;
    int hi = sorted.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
