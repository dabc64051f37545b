package coursepulse.lms.simulator;

/**
 * The term, in seconds relative to its start ({@code --start}, 00:00 UTC, any weekday), and the
 * {@link Course} calendars within it: each course has its own start day, length, time zone,
 * cadence and quiet periods.
 */
final class Term {
  static final int DAY = 86_400;
  static final int WEEK = 7 * DAY;
  /** A planning day runs from 04:00 to 04:00 UTC, so night sessions never straddle two plans. */
  static final int PLAN_OFFSET = 4 * 3_600;

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
  final Course[] courses;
  /** Weekday of the term's first day, 0 = Monday. */
  final int startWeekday;

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
    this.startWeekday = config.start().getDayOfWeek().getValue() - 1;
    this.courses = new Course[config.courses()];
    for (int c = 0; c < courses.length; c++) {
      courses[c] = new Course(this, c);
    }
  }

  static int planDay(long rel) {
    return (int) Math.floorDiv(rel - PLAN_OFFSET, (long) DAY);
  }

  static long planDayStart(int day) {
    return (long) day * DAY + PLAN_OFFSET;
  }

  /** Weekday (0 = Monday) of planning day {@code day}. */
  int weekday(int day) {
    return Math.floorMod(startWeekday + day, 7);
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
