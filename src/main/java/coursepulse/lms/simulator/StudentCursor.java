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

  /** Monday first. Weekend dip, smaller on Sunday when the week's work comes due. */
  private static final double[] WEEKDAY_FACTOR = {1.0, 1.0, 0.95, 0.9, 0.75, 0.5, 0.7};

  static final double[] ASSET_KINDS_CUM = Rng.cumulative(0.35, 0.2, 0.2, 0.1, 0.15);
  static final double[] DEVICE_CUM = Rng.cumulative(0.6, 0.3, 0.1);

  final int index;
  final Persona persona;
  /** Course indices, ascending. */
  final int[] courses;
  /** Registration per course slot, seconds relative to the term start. */
  final int[] registeredAt;
  /** Formal drop per course slot, or {@link #NONE}. */
  final int[] droppedAt;
  /** Onset of disengagement relative to the term start, or {@link #NONE}. */
  final int onset;
  /** End of a returning student's gap, or {@link #NONE}. */
  final int resumeAt;
  final float base;
  final float peakHour;
  final float tauDays;
  final float assetsPerSession;
  final byte device;
  final byte agent;
  final byte ghostVisitDay;

  // iteration state
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
    this.persona = Persona.values()[r.pick(term.config.mix().cumulative())];

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
    this.registeredAt = new int[k];
    this.droppedAt = new int[k];
    Arrays.fill(droppedAt, NONE);
    for (int i = 0; i < k; i++) {
      registeredAt[i] = (int) Math.round(-term.registrationLeadDays(r.nextDouble()) * Term.DAY);
    }

    this.device = (byte) r.pick(DEVICE_CUM);
    this.agent = (byte) r.nextInt(2);
    double ts = term.termSeconds;
    int onsetAt = NONE;
    int resume = NONE;
    float tau = 0;
    byte visit = -1;
    double peakMean;
    switch (persona) {
      case ENGAGED:
        base = (float) r.uniform(0.55, 0.85);
        peakMean = 19;
        assetsPerSession = (float) r.uniform(3, 6);
        break;
      case LATE_SUBMITTER:
        base = (float) r.uniform(0.35, 0.6);
        peakMean = 21;
        assetsPerSession = (float) r.uniform(2, 4);
        break;
      case CRAMMER:
        base = (float) r.uniform(0.08, 0.2);
        peakMean = 22;
        assetsPerSession = (float) r.uniform(2, 4);
        break;
      case FADING:
        base = (float) r.uniform(0.45, 0.75);
        peakMean = 20;
        assetsPerSession = (float) r.uniform(2, 5);
        onsetAt = dayBoundary((int) (ts * r.uniform(0.15, 0.6)));
        tau = (float) r.uniform(3, 8);
        break;
      case RETURNING:
        base = (float) r.uniform(0.45, 0.75);
        peakMean = 20;
        assetsPerSession = (float) r.uniform(2, 5);
        onsetAt = dayBoundary((int) (ts * r.uniform(0.2, 0.6)));
        resume = dayBoundary(onsetAt + (int) (r.uniform(10, 21) * Term.DAY));
        break;
      case DROPOUT:
        {
          base = (float) r.uniform(0.35, 0.7);
          peakMean = 20;
          assetsPerSession = (float) r.uniform(2, 4);
          int decile = r.pick(Rng.cumulative(Oulad.WITHDRAWAL_DECILES));
          int drop = (int) (ts * (decile + r.nextDouble()) / 10.0);
          int lag = (int) (r.uniform(7, 21) * Term.DAY);
          onsetAt = dayBoundary(drop - lag);
          for (int i = 0; i < k; i++) {
            int active = Math.max(onsetAt, Math.max(0, registeredAt[i]));
            // the formal withdrawal trails the last activity by at least a day
            droppedAt[i] = Math.max(drop, active + Term.DAY) + r.nextInt(3_600);
          }
          break;
        }
      case GHOST:
      default:
        base = 0;
        peakMean = 20;
        assetsPerSession = 1.5f;
        onsetAt = 0;
        visit = r.chance(0.5) ? (byte) r.nextInt(7) : -1;
        break;
    }
    this.onset = onsetAt;
    this.resumeAt = resume;
    this.tauDays = tau;
    this.ghostVisitDay = visit;
    this.peakHour = (float) Math.max(7, Math.min(25.5, peakMean + 2.5 * r.normal()));

    int first = Integer.MAX_VALUE;
    for (int reg : registeredAt) {
      first = Math.min(first, Term.planDay(reg));
    }
    int last = Term.planDay(Math.min(term.horizon, term.termSeconds) - 1);
    if (persona == Persona.DROPOUT) {
      int lastDrop = 0;
      for (int d : droppedAt) {
        lastDrop = Math.max(lastDrop, Term.planDay(d));
      }
      last = Math.min(last, lastDrop);
    } else if (persona == Persona.GHOST) {
      int lastReg = 0;
      for (int reg : registeredAt) {
        lastReg = Math.max(lastReg, Term.planDay(reg));
      }
      last = Math.min(last, Math.max(lastReg, ghostVisitDay));
    }
    this.lastPlanDay = last;
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
    if (!persona.disengages()) {
      return NONE;
    }
    return Math.max(onset, Math.max(0, registeredAt[slot]));
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

  /** How engaged the student is at {@code rel}: 1 normal, 0 gone. */
  double level(long rel) {
    switch (persona) {
      case FADING:
        return rel < onset ? 1.0 : Math.exp(-(rel - onset) / (tauDays * (double) Term.DAY));
      case RETURNING:
        if (rel < onset) {
          return 1.0;
        }
        return rel < resumeAt ? 0.0 : 0.9;
      case DROPOUT:
        return rel < onset ? 1.0 : 0.0;
      case GHOST:
        return 0.0;
      default:
        return 1.0;
    }
  }

  double weekdayFactor(int day) {
    return WEEKDAY_FACTOR[Math.floorMod(day, 7)];
  }

  static long submissionSeed(long seed, int index, int course, int j) {
    return Rng.hash(seed, TAG_SUBMISSION, index, (long) course << 8 | j);
  }

  static long daySeed(long seed, int index, int day) {
    return Rng.hash(seed, TAG_DAY, index, day);
  }
}
