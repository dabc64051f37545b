package coursepulse.lms.simulator;

import java.util.Arrays;

/**
 * One student's behaviour and position in time. The profile (persona, courses, registration and
 * disengagement times) is drawn once from {@code (seed, student)}; each planning day is then drawn
 * from {@code (seed, student, day)} and each submission from {@code (seed, student, course,
 * assignment)}, so a cursor carries no generator state and holds only its next active day's events,
 * packed into longs.
 *
 * <p>Packed event: {@code offsetInDay << 32 | kind << 24 | slot << 16 | payload}; sorting the
 * longs sorts the day by time.
 */
final class StudentCursor {
  static final int ENROLL = 0;
  static final int LOGIN = 1;
  static final int ASSET = 2;
  static final int SUBMIT = 3;
  static final int LOGOUT = 4;
  static final int DROP = 5;

  static final int NONE = Integer.MAX_VALUE;

  private static final long TAG_PROFILE = 0x50524F46L;
  private static final long TAG_DAY = 0x44415953L;
  private static final long TAG_SUBMISSION = 0x5355424DL;
  private static final long TAG_WEEK = 0x5745454BL;

  /** Shares of weeks that are a short break, quiet, or busy for one student in one course. */
  static final double BREAK_SHARE = 0.08;

  static final double QUIET_SHARE = 0.2;
  static final double BUSY_SHARE = 0.15;

  /** Monday first. Weekend dip, smaller on Sunday when the week's work comes due. */
  private static final double[] WEEKDAY_FACTOR = {1.0, 1.0, 0.95, 0.9, 0.75, 0.5, 0.7};

  static final double[] ASSET_KINDS_CUM = Rng.cumulative(0.35, 0.2, 0.2, 0.1, 0.15);
  static final double[] DEVICE_CUM = Rng.cumulative(0.6, 0.3, 0.1);

  /** Base daily study chance per persona (median of a log-normal), calibrated on OULAD clicks. */
  static final double[] BASE_MEDIAN = new double[Persona.values().length];

  /** Spread (sigma of the log) of the base study chance between students. */
  static final double BASE_SIGMA = 0.6;

  /** Study level at the onset, reached by a linear decline; afterwards it decays away. */
  static final double ONSET_LEVEL = 0.4;

  static {
    BASE_MEDIAN[Persona.ENGAGED.ordinal()] = 0.5;
    BASE_MEDIAN[Persona.LATE_SUBMITTER.ordinal()] = 0.36;
    BASE_MEDIAN[Persona.CRAMMER.ordinal()] = 0.14;
    BASE_MEDIAN[Persona.FADING.ordinal()] = 0.25;
    BASE_MEDIAN[Persona.RETURNING.ordinal()] = 0.25;
    BASE_MEDIAN[Persona.LURKER.ordinal()] = 0.25;
    BASE_MEDIAN[Persona.DROPOUT.ordinal()] = 0.3;
  }

  /** Chance that a further course of a student has the same persona as the first. */  /** Chance that a further course of a student has the same persona as the first. */
  static final double SAME_PERSONA = 0.6;

  final int index;
  /** Course indices, ascending. */
  final int[] courses;
  /** Persona per course slot. */
  final Persona[] personas;
  /** Registration per course slot, seconds relative to the term start. */
  final int[] registeredAt;
  /** Formal drop per course slot, or {@link #NONE}. */
  final int[] droppedAt;
  /** Onset of disengagement per slot, relative to the term start, or {@link #NONE}. */
  final int[] onset;
  /** When the student begins work per slot: {@link LateStart#startsAt}. */
  final int[] startsAt;
  /**
   * The course start per slot for a late starter idle for the first two weeks (disengaged from
   * then), else {@link #NONE}.
   */
  final int[] quietFrom;
  /** End of a returning student's gap per slot, or {@link #NONE}. */
  final int[] resumeAt;
  /** Days over which activity declines before the onset, per slot. */
  final float[] declineDays;
  /** Decay time after the onset, days, per slot. */
  final float[] tauDays;
  /** Daily chance of studying the course in an ordinary week, per slot. */
  final float[] base;
  final float[] assetsPerSession;
  /** Planning day of a ghost's single look, or -1, per slot. */
  final byte[] ghostVisitDay;
  /** Local peak hour of study. */
  final float peakHour;
  /** The student's UTC offset in hours. */
  final int tzHours;
  /** Daily chance of a mobile-app check-in (a login and nothing else); 0 for non-app users. */
  final float checkIns;
  final byte device;
  final byte agent;

  // iteration state
  /** Last planning day with a study session, per slot: study comes in streaks. */
  final int[] lastStudyDay;
  private final int lastPlanDay;
  private int day;
  private long dayStart;
  private long[] events;
  private int pos;
  private int len;

  private StudentCursor(Term term, int index, Rng r) {
    SimulationConfig cfg = term.config;
    this.index = index;
    r.reseed(Rng.hash(term.seed, TAG_PROFILE, index));
    double[] mix = term.config.mix().cumulative();
    Persona primary = Persona.values()[r.pick(mix)];

    int k = 1;
    double u = r.nextDouble();
    // 1..max courses with geometric weights 1, 1/2, 1/4, ...: most students take one
    double total = 2.0 * (1 - Math.pow(0.5, cfg.maxCoursesPerStudent()));
    double acc = 1.0 / total;
    while (u >= acc && k < cfg.maxCoursesPerStudent()) {
      acc += Math.pow(0.5, k) / total;
      k++;
    }
    k = Math.min(k, cfg.courses());
    int[] cs = new int[k];
    for (int i = 0; i < k; i++) {
      int c;
      boolean dup;
      do {
        c = r.pick(term.popularity);
        dup = false;
        for (int x = 0; x < i; x++) {
          dup |= cs[x] == c;
        }
      } while (dup);
      cs[i] = c;
    }
    Arrays.sort(cs);
    this.courses = cs;
    this.personas = new Persona[k];
    this.registeredAt = new int[k];
    this.droppedAt = new int[k];
    this.onset = new int[k];
    this.resumeAt = new int[k];
    this.startsAt = new int[k];
    this.quietFrom = new int[k];
    this.declineDays = new float[k];
    this.tauDays = new float[k];
    this.base = new float[k];
    this.assetsPerSession = new float[k];
    this.ghostVisitDay = new byte[k];
    this.lastStudyDay = new int[k];
    Arrays.fill(lastStudyDay, Integer.MIN_VALUE);
    Arrays.fill(droppedAt, NONE);
    Arrays.fill(onset, NONE);
    Arrays.fill(resumeAt, NONE);
    Arrays.fill(quietFrom, NONE);
    Arrays.fill(ghostVisitDay, (byte) -1);
    for (int i = 0; i < k; i++) {
      registeredAt[i] = (int) Math.round(-term.registrationLeadDays(r.nextDouble()) * Term.DAY);
    }
    this.device = (byte) r.pick(DEVICE_CUM);
    this.agent = (byte) r.nextInt(2);
    // most students live in the time zone of their (first) course
    this.tzHours =
        r.chance(0.8) ? term.courses[cs[0]].tzHours : Course.TZ_HOURS[r.pick(Course.TZ_CUM)];
    // a third use the mobile app, which logs a session each time it is opened
    this.checkIns = r.chance(0.35) ? (float) r.uniform(0.05, 0.25) : 0f;
    double peakMean = primary == Persona.ENGAGED ? 19 : primary == Persona.CRAMMER ? 22 : 20.5;
    this.peakHour = (float) Math.max(7, Math.min(25.5, peakMean + 2.5 * r.normal()));

    int last = Term.planDay(Math.min(term.horizon, term.termSeconds) - 1);
    int studentLast = Integer.MIN_VALUE;
    int first = Integer.MAX_VALUE;
    for (int i = 0; i < k; i++) {
      Persona p = i == 0 || r.chance(SAME_PERSONA) ? primary : Persona.values()[r.pick(mix)];
      personas[i] = p;
      Course course = term.courses[cs[i]];
      double len = course.endRel - course.startRel;
      base[i] =
          (float) Math.min(0.95, BASE_MEDIAN[p.ordinal()] * Math.exp(BASE_SIGMA * r.normal()));
      assetsPerSession[i] = (float) r.uniform(2, p == Persona.ENGAGED ? 6 : 4);
      declineDays[i] = (float) r.uniform(14, 56);
      tauDays[i] = (float) r.uniform(5, 14);
      switch (p) {
        case FADING:
          onset[i] = dayBoundary((int) (course.startRel + len * r.uniform(0.15, 0.6)));
          break;
        case LURKER:
          onset[i] = dayBoundary((int) (course.startRel + len * r.uniform(0.2, 0.7)));
          break;
        case RETURNING:
          onset[i] = dayBoundary((int) (course.startRel + len * r.uniform(0.2, 0.6)));
          declineDays[i] = (float) r.uniform(2, 7);
          resumeAt[i] = dayBoundary(onset[i] + (int) (r.uniform(10, 21) * Term.DAY));
          break;
        case DROPOUT:
          {
            int decile = r.pick(Rng.cumulative(Oulad.WITHDRAWAL_DECILES));
            // within the course and the term (a course's local end may pass the term's by hours)
            int drop =
                (int) Math.min(term.termSeconds - Term.DAY, course.startRel + len * (decile + r.nextDouble()) / 10.0);
            // OULAD: the last click comes a median 8 days before the withdrawal (quartiles 2, 24)
            int lag = (int) (r.uniform(2, 24) * Term.DAY);
            // even those who leave in the first days look at the course first
            int earliest = (int) (course.startRel + r.uniform(2, 10) * Term.DAY);
            onset[i] = dayBoundary(Math.max(earliest, drop - lag));
            int active = Math.max(onset[i], Math.max(0, registeredAt[i]));
            // the formal withdrawal trails the last activity by at least a day
            droppedAt[i] = Math.max(drop, active + Term.DAY) + r.nextInt(3_600);
            break;
          }
        case GHOST:
          onset[i] = 0;
          ghostVisitDay[i] = r.chance(0.5) ? (byte) (Term.planDay(course.startRel) + 1 + r.nextInt(7)) : -1;
          break;
        default:
          break;
      }
      startsAt[i] = LateStart.startsAt(term, index, cs[i], p, droppedAt[i]);
      if (startsAt[i] - course.startRel >= Oulad.LATE_START_WINDOW_DAYS * Term.DAY) {
        // nothing in the first two weeks: disengaged from the course start, whatever comes later
        quietFrom[i] = dayBoundary((int) course.startRel);
      }
      first = Math.min(first, Term.planDay(registeredAt[i]));
      int slotLast = last;
      if (p == Persona.DROPOUT) {
        slotLast = Math.min(last, Term.planDay(droppedAt[i]));
      } else if (p == Persona.GHOST) {
        slotLast = Math.min(last, Math.max(Term.planDay(registeredAt[i]), ghostVisitDay[i]));
      }
      studentLast = Math.max(studentLast, slotLast);
    }
    this.lastPlanDay = studentLast;
    this.day = first - 1;
  }

  /** A cursor positioned before its first event; call {@link #advance} to reach it. */
  static StudentCursor create(Term term, int index, Rng profileRng) {
    return new StudentCursor(term, index, profileRng);
  }

  /**
   * The first planning-day boundary (04:00 UTC) at or after {@code rel}, or 0 for times up to the
   * term start. Onsets sit on these boundaries so that a planning day lies wholly before or after
   * one: no session of the onset day can slip past the ground truth.
   */
  static int dayBoundary(int rel) {
    if (rel <= 0) {
      return 0;
    }
    return (int) Term.planDayStart(Term.planDay(rel - 1L) + 1);
  }

  /** When this student-course disengaged, relative to the term start, or {@link #NONE}. */
  int disengagedAt(int slot) {
    if (!personas[slot].disengages()) {
      return NONE;
    }
    // a late starter idle for two weeks is disengaged from the course start, before any onset of its persona
    return Math.max(Math.min(onset[slot], quietFrom[slot]), Math.max(0, registeredAt[slot]));
  }

  /** Relative time of the current event. */
  long time() {
    return dayStart + (events[pos] >>> 32);
  }

  int kind() {
    return (int) (events[pos] >>> 24) & 0xFF;
  }

  int slot() {
    return (int) (events[pos] >>> 16) & 0xFF;
  }

  int payload() {
    return (int) events[pos] & 0xFFFF;
  }

  /**
   * Moves to the next event.
   *
   * @return false when the student has no more events before the horizon
   */
  boolean advance(Term term, Planner planner) {
    if (events != null && ++pos < len) {
      if (time() < term.horizon) {
        return true;
      }
      events = null;
      return false;
    }
    events = null;
    while (day < lastPlanDay) {
      day++;
      int n = planner.plan(this, day);
      if (n > 0) {
        events = Arrays.copyOf(planner.buffer(), n);
        Arrays.sort(events);
        len = n;
        pos = 0;
        dayStart = Term.planDayStart(day);
        if (time() < term.horizon) {
          return true;
        }
        events = null;
        return false;
      }
    }
    return false;
  }

  /**
   * How engaged the student is in course slot {@code slot} at {@code rel}: 1 normal, 0 gone. A
   * disengaging student declines linearly to {@link #ONSET_LEVEL} over {@code declineDays} before
   * the onset and fades away after it (OULAD: withdrawing students' active days fall over the
   * weeks before they leave, with no cliff).
   */
  double level(int slot, long rel) {
    Persona p = personas[slot];
    if (p == Persona.GHOST) {
      return 0.0;
    }
    if (!p.disengages()) {
      return 1.0;
    }
    if (rel < startsAt[slot]) {
      return 0.0;
    }
    long on = onset[slot];
    double day = Term.DAY;
    if (rel < on) {
      double before = (on - rel) / day;
      return before >= declineDays[slot] ? 1.0 : ONSET_LEVEL + (1 - ONSET_LEVEL) * before / declineDays[slot];
    }
    if (p == Persona.RETURNING) {
      return rel < resumeAt[slot] ? 0.0 : 0.9;
    }
    return ONSET_LEVEL * Math.exp(-(rel - on) / (tauDays[slot] * day));
  }

  /**
   * The week's activity multiplier of one student in one course: engaged students too have busy
   * spells, quiet weeks and short breaks (OULAD: 90 % of students who pass have a stretch of 7
   * days or more without a click).
   */
  double weekFactor(long seed, int slot, int week) {
    long h = Rng.hash(seed, TAG_WEEK, index, (long) courses[slot] << 16 | (week & 0xFFFF));
    double u = (h >>> 11) * 0x1.0p-53;
    if (u < BREAK_SHARE) {
      return 0.05;
    }
    if (u < BREAK_SHARE + QUIET_SHARE) {
      return 0.45;
    }
    if (u < BREAK_SHARE + QUIET_SHARE + BUSY_SHARE) {
      return 1.6;
    }
    return 1.0;
  }

  double weekdayFactor(Term term, int day) {
    return WEEKDAY_FACTOR[term.weekday(day)];
  }

  static long submissionSeed(long seed, int index, int course, int j) {
    return Rng.hash(seed, TAG_SUBMISSION, index, (long) course << 8 | j);
  }

  static long daySeed(long seed, int index, int day) {
    return Rng.hash(seed, TAG_DAY, index, day);
  }
}
