package coursepulse.lms.simulator;

/**
 * Late first days: some student-courses of the failing and dropping-out personas do nothing before
 * a late first day, or never start, as OULAD's failing and withdrawing students do ({@code
 * docs/simulator.md}, "Late starts"). Drawn from its own hash of (seed, student, course), so that
 * the other draws of a student's profile do not depend on it.
 */
final class LateStart {
  private static final long TAG = 0x53544152L;

  /**
   * Chance, by outcome group (pass, fail, withdrawn; see {@link Persona#outcomeGroup}), that a
   * student-course starts late, with a first day drawn from OULAD's late starters of the group
   * ({@link Oulad#LATE_START_SPLIT}: day 7 or later, or never). Below OULAD's shares ({@link
   * Oulad#LATE_START}) because the personas' own low activity already delays some first days;
   * chosen so that the active days in the first two weeks match 2013B ({@code CalibrationTest}).
   */
  static final double[] SHARE = {0.0, 0.2, 0.2};

  /** {@link #startsAt} of a student-course that starts with the course. */
  static final int ON_TIME = Integer.MIN_VALUE;

  private LateStart() {}

  /**
   * When a student begins work in a course, relative to the term start: {@link #ON_TIME}, a
   * planning-day boundary after the course start, or {@link StudentCursor#NONE} for never.
   *
   * @param droppedAt the formal drop, relative to the term start, or {@link StudentCursor#NONE}
   */
  static int startsAt(Term term, int student, int courseIndex, Persona persona, int droppedAt) {
    if (persona == Persona.GHOST) {
      return ON_TIME; // never starts anyway
    }
    Course course = term.courses[courseIndex];
    if (droppedAt != StudentCursor.NONE
        && droppedAt - course.startRel < Oulad.LATE_START_WINDOW_DAYS * Term.DAY) {
      return ON_TIME; // OULAD's shares are of pairs still enrolled after the first days
    }
    int group = persona.outcomeGroup();
    Rng r = new Rng(Rng.hash(term.seed, TAG, student, courseIndex));
    if (!r.chance(SHARE[group])) {
      return ON_TIME;
    }
    int bin = r.pick(Rng.cumulative(Oulad.LATE_START_SPLIT[group]));
    if (bin == Oulad.LATE_START_FROM.length) {
      return StudentCursor.NONE;
    }
    int from = Oulad.LATE_START_FROM[bin];
    int to = bin + 1 < Oulad.LATE_START_FROM.length ? Oulad.LATE_START_FROM[bin + 1] : 2 * from;
    return StudentCursor.dayBoundary((int) (course.startRel + r.uniform(from, to) * Term.DAY));
  }
}
