package coursepulse.lms.simulator;

/**
 * The term calendar shared by every course, in seconds relative to the term start (Monday 00:00
 * UTC). Course {@code c} has one assignment per week, due at 23:59 UTC on its due weekday (Sunday,
 * Friday or Wednesday, by {@code c % 3}), published at 09:00 UTC on the Monday of the due week, or
 * of the week before when the due day is early in the week.
 */
final class Term {
  static final int DAY = 86_400;
  static final int WEEK = 7 * DAY;
  /** A planning day runs from 04:00 to 04:00 UTC, so night sessions never straddle two plans. */
  static final int PLAN_OFFSET = 4 * 3_600;

  private static final int[] DUE_WEEKDAY = {6, 4, 2};
  private static final int DUE_TIME = 23 * 3_600 + 59 * 60;
  private static final int PUBLISH_TIME = 9 * 3_600;

  final SimulationConfig config;
  final long seed;
  final long startSecond;
  final int weeks;
  final int termSeconds;
  final int horizon;
  /** Lead times are OULAD's, scaled from a 252-day presentation to this term. */
  final double leadScale;
  /** The earliest possible registration, relative to the start: the first planning day. */
  final int firstPlanDay;
  final double[] popularity;

  Term(SimulationConfig config) {
    this.config = config;
    this.seed = config.seed();
    this.startSecond = config.termStartSecond();
    this.weeks = config.termWeeks();
    this.termSeconds = weeks * WEEK;
    this.horizon = config.days() * DAY;
    this.leadScale = weeks * 7 / Oulad.PRESENTATION_DAYS;
    double maxLead = Oulad.REGISTRATION_LEAD_DAYS[Oulad.REGISTRATION_LEAD_DAYS.length - 1];
    this.firstPlanDay = planDay(-(int) Math.ceil(maxLead * leadScale * DAY) - DAY);
    // mildly skewed course sizes (Zipf exponent 0.5): some courses are much larger than others
    double[] w = new double[config.courses()];
    for (int c = 0; c < w.length; c++) {
      w[c] = 1.0 / Math.sqrt(c + 1.0);
    }
    this.popularity = Rng.cumulative(w);
  }

  static int planDay(long rel) {
    return (int) Math.floorDiv(rel - PLAN_OFFSET, (long) DAY);
  }

  static long planDayStart(int day) {
    return (long) day * DAY + PLAN_OFFSET;
  }

  int dueWeekday(int course) {
    return DUE_WEEKDAY[course % DUE_WEEKDAY.length];
  }

  long dueRel(int course, int j) {
    return (long) j * WEEK + (long) dueWeekday(course) * DAY + DUE_TIME;
  }

  long publishRel(int course, int j) {
    long monday = (long) j * WEEK + PUBLISH_TIME;
    return dueWeekday(course) < 3 ? monday - WEEK : monday;
  }

  /** Index of the last assignment due at or before {@code rel}, possibly -1. */
  int lastDueAtOrBefore(int course, long rel) {
    return (int) Math.floorDiv(rel - (long) dueWeekday(course) * DAY - DUE_TIME, (long) WEEK);
  }

  /** Registration lead in days before the start (negative: after), from OULAD, scaled. */
  double registrationLeadDays(double u) {
    double[] x = Oulad.REGISTRATION_LEAD_DAYS;
    double[] p = Oulad.REGISTRATION_LEAD_CDF;
    if (u < p[0]) {
      return -(1.0 - u / p[0]) * Oulad.LATE_REGISTRATION_DAYS * leadScale;
    }
    for (int i = 1; i < x.length; i++) {
      if (u <= p[i]) {
        double f = (u - p[i - 1]) / (p[i] - p[i - 1]);
        return (x[i - 1] + f * (x[i] - x[i - 1])) * leadScale;
      }
    }
    return x[x.length - 1] * leadScale;
  }
}
