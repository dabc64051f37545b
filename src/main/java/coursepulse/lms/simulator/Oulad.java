package coursepulse.lms.simulator;

/**
 * Figures from the Open University Learning Analytics Dataset (OULAD: Kuzilek, Hlosta and Zdrahal,
 * "Open University Learning Analytics dataset", Scientific Data 4, 170171, 2017; CC BY 4.0),
 * computed from its {@code studentInfo}, {@code studentRegistration}, {@code courses} and {@code
 * assessments} tables (32,593 registrations, 22 presentations of 234 to 269 days). They are the
 * simulator's defaults, scaled to the simulated term; {@code docs/simulator.md} explains the use
 * of each.
 */
public final class Oulad {

  /** Final result shares of registrations. */
  public static final double PASS = 0.379;

  public static final double WITHDRAWN = 0.312;
  public static final double FAIL = 0.216;
  public static final double DISTINCTION = 0.093;

  /** Share of dated withdrawals that happen before the module starts. */
  public static final double WITHDRAWN_BEFORE_START = 0.266;

  /**
   * Withdrawals after the start by decile of the module's length elapsed (0-10 %, ..., 90-100 %),
   * in percent of the 7,387 such withdrawals.
   */
  static final double[] WITHDRAWAL_DECILES = {28.8, 14.4, 11.1, 9.0, 8.5, 9.0, 7.6, 4.8, 4.9, 1.9};

  /** Typical presentation length in days (the data has 234 to 269); used to scale lead times. */
  static final double PRESENTATION_DAYS = 252.0;

  /**
   * Registration lead time in days before the start, as (lead, cumulative share registered at
   * most that long before). 0.7 % register after the start; quartiles 29 / 57 / 100 days. The
   * 200-day end of the tail is our assumption: the data's tail is long and thin.
   */
  static final double[] REGISTRATION_LEAD_DAYS = {0, 29, 57, 100, 200};

  static final double[] REGISTRATION_LEAD_CDF = {0.007, 0.25, 0.50, 0.75, 1.0};

  /** Late registrations land within this many (unscaled) days after the start: our assumption. */
  static final double LATE_REGISTRATION_DAYS = 14;

  /**
   * Late starts, 2013B, of pairs still enrolled after the first {@link #LATE_START_WINDOW_DAYS}
   * course days, by outcome group (0 Pass and Distinction, 1 Fail, 2 Withdrawn): the share whose
   * first click comes on day 7 or later (pass 7.9 %, fail 24.3 %, withdrawn 29.2 %; with no click
   * in the first 14 days: 2.8, 15.2 and 19.9 %), and how those split over first days 7-13, 14-20,
   * 21-34, 35 or later, and never (before the course end or the withdrawal). Computed from {@code
   * studentInfo}, {@code studentRegistration} and {@code studentVle}.
   */
  static final double[] LATE_START = {0.079, 0.243, 0.292};

  static final int LATE_START_WINDOW_DAYS = 14;

  /** Lower ends of the first-day bins of {@link #LATE_START_SPLIT}, in days; the last is never. */
  static final int[] LATE_START_FROM = {7, 14, 21, 35};

  static final double[][] LATE_START_SPLIT = {
    {}, {37.4, 21.8, 9.5, 3.7, 27.6}, {31.8, 16.8, 5.8, 2.4, 43.2}
  };

  /**
   * Assessment scores (0-100) by outcome group (0 Pass and Distinction, 1 Fail, 2 Withdrawn) at the
   * cumulative shares {@link #SCORE_P}: quantiles of the 33,680 scored, non-banked submissions of
   * the 2013B presentations ({@code studentAssessment} joined with {@code studentInfo}).
   */
  static final double[] SCORE_P = {0, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 1.0};

  static final double[][] SCORE_Q = {
    {20, 51, 60, 72, 81, 91, 100, 100},
    {0, 29, 38, 53, 68, 80, 92, 100},
    {0, 24, 36, 53, 69, 81, 94, 100}
  };

  /** A score drawn from the outcome group's distribution, rounded to whole points like OULAD's. */
  static int score(int group, double u) {
    return (int) Math.round(interpolate(SCORE_P, SCORE_Q[group], u));
  }

  /**
   * The value at cumulative share {@code u} of a distribution given by its quantiles {@code q} at
   * the shares {@code p} (ascending, from 0 to 1), linear in between.
   */
  static double interpolate(double[] p, double[] q, double u) {
    for (int i = 1; i < p.length; i++) {
      if (u <= p[i]) {
        double f = (u - p[i - 1]) / (p[i] - p[i - 1]);
        return q[i - 1] + f * (q[i] - q[i - 1]);
      }
    }
    return q[q.length - 1];
  }

  private Oulad() {}
}
