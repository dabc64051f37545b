package coursepulse.lms.simulator;

import static coursepulse.lms.simulator.StudentCursor.ASSET;
import static coursepulse.lms.simulator.StudentCursor.DROP;
import static coursepulse.lms.simulator.StudentCursor.ENROLL;
import static coursepulse.lms.simulator.StudentCursor.LOGIN;
import static coursepulse.lms.simulator.StudentCursor.LOGOUT;
import static coursepulse.lms.simulator.StudentCursor.NONE;
import static coursepulse.lms.simulator.StudentCursor.SUBMIT;

/**
 * Draws one student's planning day (04:00 to 04:00 UTC) into a reused buffer: enrolments and
 * drops that fall in it, a session around each submission due to happen that day, and free study
 * sessions whose number follows the persona's activity level, the weekday and nearby due times.
 * Single-threaded; one per simulation run.
 */
final class Planner {
  private static final int HOUR = 3_600;
  /** Study chance multiplier in the 48 hours before a due time: work comes in bursts. */
  static final double DEADLINE_BURST = 1.5;

  /**
   * Study chance multipliers the day after a study day and after a day off: real students work in
   * streaks (OULAD: 55 to 62 % of gaps are one day, more than independent days give).
   */
  static final double STREAK_UP = 1.45;

  static final double STREAK_DOWN = 0.85;

  static final double STREAK_LIFT = 0.18;

  /** Daily chance that a lurker opens the app after the onset. */
  static final double LURKER_CHECK_INS = 0.4;

  private static final int MOBILE = 1;

  /** Free sessions start by 22:00 into the planning day (02:00 UTC) and last under two hours. */
  private static final int LATEST_FREE_START = 22 * HOUR;

  private final Term term;
  private final Rng rng = new Rng(0);
  private final Rng subRng = new Rng(0);
  private long[] buf = new long[64];
  private int n;
  private final long[] busy = new long[32];
  private int busyCount;
  private final int[] activeSlots = new int[8];
  private final long[] subTimes = new long[32];
  private final long[] gaps = new long[12];

  Planner(Term term) {
    this.term = term;
  }

  long[] buffer() {
    return buf;
  }

  int plan(StudentCursor s, int day) {
    n = 0;
    busyCount = 0;
    long dayRel = Term.planDayStart(day);
    long dayEnd = dayRel + Term.DAY;
    int k = s.courses.length;
    for (int i = 0; i < k; i++) {
      if (Term.planDay(s.registeredAt[i]) == day) {
        add(s.registeredAt[i] - dayRel, ENROLL, i, 0);
      }
      if (s.droppedAt[i] != NONE && Term.planDay(s.droppedAt[i]) == day) {
        add(s.droppedAt[i] - dayRel, DROP, i, 0);
      }
    }
    if (day < 0 || dayRel >= term.termSeconds) {
      return n;
    }
    int active = 0;
    for (int i = 0; i < k; i++) {
      Course course = term.courses[s.courses[i]];
      // from the day after registration to the day before the formal drop, on planning days
      // wholly within the course (the log refuses activity outside the enrolment's dates)
      if (Term.planDay(Math.max(0, s.registeredAt[i])) < day
          && s.droppedAt[i] >= dayEnd
          && course.startRel <= dayRel
          && dayEnd <= course.endRel) {
        activeSlots[active++] = i;
      }
    }
    if (active == 0) {
      return n;
    }

    planSubmissions(s, dayRel, dayEnd, active);

    Rng r = rng.reseed(StudentCursor.daySeed(term.seed, s.index, day));
    long mid = dayRel + Term.DAY / 2;
    int week = Math.floorDiv(day, 7);
    double checkIn = s.checkIns;
    for (int a = 0; a < active; a++) {
      int slot = activeSlots[a];
      Persona p = s.personas[slot];
      Course course = term.courses[s.courses[slot]];
      int sessions = 0;
      if (p == Persona.GHOST) {
        sessions = day == s.ghostVisitDay[slot] ? 1 : 0;
      } else {
        double level = s.level(slot, mid);
        double prob =
            s.base[slot]
                * s.weekdayFactor(term, day)
                * s.weekFactor(term.seed, slot, week)
                * course.classFactor(mid)
                * level;
        long untilDue = course.nextDue(dayRel) - dayRel;
        boolean cram = p == Persona.CRAMMER && untilDue <= 36L * HOUR && level > 0.5;
        if (cram) {
          prob = Math.max(prob, 0.9);
        } else if (untilDue <= 48L * HOUR) {
          prob *= DEADLINE_BURST;
        }
        if (s.lastStudyDay[slot] == day - 1) {
          // less active students keep streaks too: at least a fixed lift, scaled by the level
          prob = Math.max(prob * STREAK_UP, prob + STREAK_LIFT * level);
        } else {
          prob *= STREAK_DOWN;
        }
        if (r.chance(Math.min(0.97, prob))) {
          s.lastStudyDay[slot] = day;
          sessions = 1 + (r.chance(0.35) ? 1 : 0) + (r.chance(0.12) ? 1 : 0) + (cram ? 1 : 0);
        }
        if (p == Persona.LURKER && mid >= s.onset[slot]) {
          // still opens the app to look, without studying or submitting
          checkIn = Math.max(checkIn, LURKER_CHECK_INS);
        }
      }
      for (int x = 0; x < sessions; x++) {
        freeSession(s, r, dayRel, slot);
      }
    }
    if (checkIn > 0 && r.chance(checkIn)) {
      checkIn(s, r, dayRel);
    }
    return n;
  }

  private void planSubmissions(StudentCursor s, long dayRel, long dayEnd, int active) {
    int count = 0;
    for (int a = 0; a < active; a++) {
      int slot = activeSlots[a];
      int c = s.courses[slot];
      Course course = term.courses[c];
      // submissions come at most four days early and three days late
      for (int j = course.firstDueAtOrAfter(dayRel - 4L * Term.DAY);
          j < course.due.length && course.due[j] < dayEnd + 5L * Term.DAY;
          j++) {
        long t = submissionTime(s, slot, c, j);
        // leave room for the session's logout before the planning day ends
        if (t >= dayRel && t < dayEnd - HOUR && count < subTimes.length) {
          subTimes[count++] = t << 16 | (long) slot << 8 | j;
        }
      }
    }
    java.util.Arrays.sort(subTimes, 0, count);
    long lastEnd = Long.MIN_VALUE;
    for (int x = 0; x < count; x++) {
      long t = subTimes[x] >>> 16;
      int slot = (int) (subTimes[x] >>> 8) & 0xFF;
      int j = (int) subTimes[x] & 0xFF;
      Rng r = subRng.reseed(StudentCursor.submissionSeed(term.seed, s.index, s.courses[slot], j) + 1);
      long start = Math.max(dayRel, t - (long) r.uniform(180, 1_200));
      if (t < start + 120) {
        t = start + 120;
      }
      if (start < lastEnd + 60) {
        start = lastEnd + 60;
        t = Math.max(t, start + 120);
      }
      if (t >= dayEnd - 900) {
        // pushed behind earlier sessions into the next planning day: that day owns its own times
        continue;
      }
      long due = term.courses[s.courses[slot]].due[j];
      int score = Oulad.score(s.personas[slot].outcomeGroup(), r.nextDouble());
      add(start - dayRel, LOGIN, 0, loginDevice(s, r));
      int assets = 1 + r.nextInt(2);
      for (int i = 1; i <= assets; i++) {
        add(start + (t - start) * i / (assets + 1) - dayRel, ASSET, slot, r.nextDouble() < 0.6 ? 0 : 1);
      }
      add(t - dayRel, SUBMIT, slot, j | (t > due ? 0x100 : 0) | score << 9);
      long end = t;
      if (r.chance(0.75)) {
        end = t + (long) r.uniform(30, 600);
        add(end - dayRel, LOGOUT, 0, 0);
      }
      markBusy(start, end);
      lastEnd = end;
    }
  }

  /** When the student submits assignment {@code j} of course {@code c}, or -1 for never. */
  long submissionTime(StudentCursor s, int slot, int c, int j) {
    Rng r = subRng.reseed(StudentCursor.submissionSeed(term.seed, s.index, c, j));
    Course course = term.courses[c];
    long due = course.due[j];
    double skip = r.nextDouble();
    Persona p = s.personas[slot];
    long t;
    switch (p) {
      case ENGAGED:
        if (skip < 0.03) {
          return -1;
        }
        // OULAD: 14.5 % of the TMAs of students who pass come in after the due day
        t = r.chance(0.06) ? due + (long) (r.uniform(1, 48) * HOUR) : due - (long) (r.uniform(2, 96) * HOUR);
        break;
      case LATE_SUBMITTER:
        if (skip < 0.08) {
          return -1;
        }
        t = r.chance(0.55) ? due + (long) (r.uniform(1, 72) * HOUR) : due - (long) (r.uniform(1, 30) * HOUR);
        break;
      case CRAMMER:
        if (skip < 0.10) {
          return -1;
        }
        t = r.chance(0.1) ? due + (long) (r.uniform(0.1, 6) * HOUR) : due - (long) (r.uniform(0.2, 10) * HOUR);
        break;
      case FADING:
      case LURKER:
      case DROPOUT:
        t = due - (long) (r.uniform(4, 72) * HOUR);
        // submissions thin out with the decline and stop at the onset
        if (skip < 0.05 + (1 - s.level(slot, t)) || t >= s.onset[slot]) {
          return -1;
        }
        break;
      case RETURNING:
        t = due - (long) (r.uniform(4, 72) * HOUR);
        if (skip < 0.08 + (1 - s.level(slot, t)) || s.level(slot, t) == 0.0) {
          return -1;
        }
        break;
      case GHOST:
      default:
        return -1;
    }
    int hour = (int) Math.floorMod(t + (long) s.tzHours * HOUR, (long) Term.DAY) / HOUR;
    if (hour >= 1 && hour < 7) {
      // few people submit between 01:00 and 07:00 local time: such work was finished the evening
      // before
      t -= (long) ((hour + 1 + r.uniform(0, 5)) * HOUR);
    }
    t = Math.max(t, course.publish[j] + HOUR);
    long activeFrom =
        Term.planDayStart(Term.planDay(Math.max(course.startRel, Math.max(0, s.registeredAt[slot]))) + 1);
    if (t < activeFrom) {
      // work planned before the student could start: done on the first days instead, at a
      // daytime hour rather than all at the first minute
      t = activeFrom + (long) (r.uniform(5, 17) * HOUR);
    }
    if (t >= s.droppedAt[slot] || t >= course.endRel || t >= term.termSeconds) {
      return -1;
    }
    return t;
  }

  /** A short mobile-app visit: a login and nothing else (apps seldom log out). */
  private void checkIn(StudentCursor s, Rng r, long dayRel) {
    long start = dayRel + sessionOffset(s, r.uniform(7, 23));
    if (overlaps(start - 60, start + 300)) {
      return;
    }
    add(start - dayRel, LOGIN, 0, MOBILE);
    markBusy(start, start + 240);
  }

  /** Offset into the planning day of a local hour, kept where a session fits in the day. */
  private long sessionOffset(StudentCursor s, double localHour) {
    long off = Math.floorMod((long) ((localHour - s.tzHours - 4) * HOUR), (long) Term.DAY);
    return Math.max(HOUR / 2, Math.min(LATEST_FREE_START, off));
  }

  private void freeSession(StudentCursor s, Rng r, long dayRel, int slot) {
    double hour = r.chance(0.25) ? r.uniform(7, 24) : s.peakHour + 2.5 * r.normal();
    long start = dayRel + sessionOffset(s, hour);
    int assets =
        s.personas[slot] == Persona.GHOST
            ? 1 + r.nextInt(2)
            : 1 + (int) (s.assetsPerSession[slot] * r.uniform(0.3, 1.7));
    assets = Math.min(assets, 12);
    int device = loginDevice(s, r);
    long t = start;
    long[] gaps = this.gaps;
    for (int i = 0; i < assets; i++) {
      gaps[i] = (long) r.uniform(20, 480);
      t += gaps[i];
    }
    boolean logout = r.chance(0.7);
    long end = logout ? t + (long) r.uniform(30, 900) : t;
    if (overlaps(start - 60, end + 60)) {
      return;
    }
    add(start - dayRel, LOGIN, 0, device);
    t = start;
    for (int i = 0; i < assets; i++) {
      t += gaps[i];
      add(t - dayRel, ASSET, slot, r.pick(StudentCursor.ASSET_KINDS_CUM));
    }
    if (logout) {
      add(end - dayRel, LOGOUT, 0, 0);
    }
    markBusy(start, end);
  }

  private int loginDevice(StudentCursor s, Rng r) {
    return r.chance(0.8) ? s.device : r.pick(StudentCursor.DEVICE_CUM);
  }

  private boolean overlaps(long from, long to) {
    for (int i = 0; i < busyCount; i += 2) {
      if (from < busy[i + 1] && busy[i] < to) {
        return true;
      }
    }
    return false;
  }

  private void markBusy(long from, long to) {
    if (busyCount + 2 <= busy.length) {
      busy[busyCount++] = from;
      busy[busyCount++] = to;
    }
  }

  private void add(long offset, int kind, int slot, int payload) {
    if (offset < 0 || offset >= Term.DAY) {
      throw new IllegalStateException("event outside its planning day: offset " + offset);
    }
    if (n == buf.length) {
      buf = java.util.Arrays.copyOf(buf, n * 2);
    }
    buf[n++] = offset << 32 | (long) kind << 24 | (long) slot << 16 | payload;
  }
}
