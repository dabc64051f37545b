package coursepulse.lms.simulator;

import java.util.Arrays;

/**
 * One course's own calendar, drawn from {@code (seed, course)}: its start day and length within
 * the term, its time zone, its assignment cadence with due times at 23:59 local time (converted to
 * UTC), and the class-wide quiet periods every student of the course shares (reading week, a
 * holiday, the exam period after the last deadline). All times are seconds relative to the term
 * start. {@code docs/simulator.md} gives the shares and where they come from.
 */
final class Course {

  /** How often work is due. */
  enum Cadence {
    /** One assignment a week. */
    WEEKLY,
    /** One every two weeks. */
    BIWEEKLY,
    /** Three tutor-marked assignments spread over the course, as OULAD's modules do. */
    THREE,
    /** Four tutor-marked assignments. */
    FOUR,
    /** Two computer-marked quizzes a week. */
    TWICE_WEEKLY
  }

  private static final long TAG_COURSE = 0x434F5552L;
  private static final int DAY = Term.DAY;
  private static final int HOUR = 3_600;
  private static final int DUE_LOCAL = 23 * HOUR + 59 * 60;
  private static final int PUBLISH_LOCAL = 9 * HOUR;

  /** UTC offsets (hours) of course time zones, and their shares: our assumption. */
  static final int[] TZ_HOURS = {0, 1, -5, -8, 10};

  static final double[] TZ_CUM = Rng.cumulative(0.4, 0.25, 0.15, 0.1, 0.1);
  private static final double[] CADENCE_CUM = Rng.cumulative(0.35, 0.2, 0.15, 0.15, 0.15);

  /** Activity multiplier of the class-wide quiet periods. */
  static final double READING_WEEK_FACTOR = 0.35;

  static final double HOLIDAY_FACTOR = 0.4;
  static final double EXAM_PERIOD_FACTOR = 0.5;
  /** First two weeks: OULAD cohorts are 1.3 to 2 times as active as in a median week. */
  static final double START_FACTOR = 1.3;

  /** Days after the last deadline that form the exam period. */
  static final int EXAM_PERIOD_DAYS = 10;

  final int index;
  final Cadence cadence;
  final int tzHours;
  /** 00:00 local time on the course's first day. */
  final long startRel;
  /** 00:00 local time the day after the course's last day. */
  final long endRel;
  final long[] due;
  final long[] publish;
  final double weight;
  /** Reading week start (a 7-day class-wide break), or {@link Long#MIN_VALUE} for none. */
  final long readingWeek;

  private final long holidayFrom;
  private final long holidayTo;

  Course(Term term, int index) {
    Rng r = new Rng(Rng.hash(term.seed, TAG_COURSE, index));
    this.index = index;
    this.tzHours = TZ_HOURS[r.pick(TZ_CUM)];
    this.cadence = Cadence.values()[r.pick(CADENCE_CUM)];
    int termDays = term.weeks * 7;
    // half the courses start with the term, the others up to six days later (any weekday)
    int offset = r.chance(0.5) ? 0 : 1 + r.nextInt(6);
    int shorten = new int[] {0, 0, 0, 7, 14, 28}[r.nextInt(6)];
    int lengthDays = Math.max(Math.min(termDays, 7), termDays - offset - shorten);
    offset = Math.min(offset, termDays - lengthDays);
    long local = -(long) tzHours * HOUR;
    this.startRel = (long) offset * DAY + local;
    this.endRel = startRel + (long) lengthDays * DAY;
    int weeks = lengthDays / 7;
    this.readingWeek =
        weeks >= 10 && r.chance(0.5) ? startRel + (long) (weeks / 2) * 7 * DAY : Long.MIN_VALUE;
    // one term-wide long weekend (four days) at 60 % of the term, shared by every course
    this.holidayFrom = (long) (termDays * 6 / 10) * DAY;
    this.holidayTo = holidayFrom + 4L * DAY;
    int dueDay = r.nextInt(7);
    this.due = dueDays(lengthDays, weeks, dueDay, r);
    this.publish = new long[due.length];
    for (int j = 0; j < due.length; j++) {
      long dueDayStart = due[j] - DUE_LOCAL;
      long p = j == 0 ? startRel : Math.max(startRel, dueDayStart - 7L * DAY) + PUBLISH_LOCAL;
      publish[j] = Math.max(j == 0 ? Long.MIN_VALUE : publish[j - 1], Math.min(p, due[j] - DAY));
    }
    this.weight = due.length == 0 ? 0 : Math.round(1000.0 / due.length) / 10.0;
  }

  /** Due times (23:59 local), ascending; none in the reading week or the exam period. */
  private long[] dueDays(int lengthDays, int weeks, int dueDay, Rng r) {
    int lastDueDay = lengthDays - EXAM_PERIOD_DAYS;
    int[] days = new int[64];
    int n = 0;
    switch (cadence) {
      case WEEKLY:
      case BIWEEKLY:
        {
          int step = cadence == Cadence.WEEKLY ? 7 : 14;
          int first = cadence == Cadence.WEEKLY ? 4 + dueDay : 10 + dueDay;
          for (int d = first; d <= lastDueDay && n < days.length; d += step) {
            days[n++] = d;
          }
          break;
        }
      case THREE:
      case FOUR:
        {
          int k = cadence == Cadence.THREE ? 3 : 4;
          // OULAD: the first TMA about 8 % into the module, the last about 83 %
          for (int i = 0; i < k; i++) {
            double f = 0.08 + 0.75 * i / (k - 1);
            days[n++] = Math.min(lastDueDay, (int) Math.round(f * lengthDays) + r.nextInt(3));
          }
          break;
        }
      case TWICE_WEEKLY:
      default:
        for (int d = 3 + dueDay % 3; d <= lastDueDay && n + 1 < days.length; d += 7) {
          days[n++] = d;
          if (d + 3 <= lastDueDay) {
            days[n++] = d + 3;
          }
        }
        break;
    }
    long[] out = new long[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      long t = startRel + (long) days[i] * DAY + DUE_LOCAL;
      if (inReadingWeek(t)) {
        if (cadence == Cadence.THREE || cadence == Cadence.FOUR) {
          t += 7L * DAY; // a long assignment is not dropped, it is due after the break
        } else {
          continue;
        }
      }
      if (m == 0 || t > out[m - 1]) {
        out[m++] = t;
      }
    }
    return Arrays.copyOf(out, m);
  }

  private boolean inReadingWeek(long t) {
    return readingWeek != Long.MIN_VALUE && t >= readingWeek && t < readingWeek + 7L * DAY;
  }

  /** The assignment kind as OULAD names it: tutor-marked, or computer-marked quizzes. */
  String kind() {
    return cadence == Cadence.TWICE_WEEKLY ? "CMA" : "TMA";
  }

  /** Whether {@code rel} is within the course's teaching days. */
  boolean running(long rel) {
    return rel >= startRel && rel < endRel;
  }

  /**
   * How active the whole class is at {@code rel} relative to an ordinary week: below one in the
   * reading week, the holiday and the exam period, above one in the first two weeks.
   */
  double classFactor(long rel) {
    double f = 1.0;
    if (rel < startRel + 14L * DAY) {
      f *= START_FACTOR;
    }
    if (inReadingWeek(rel)) {
      f *= READING_WEEK_FACTOR;
    }
    if (rel >= holidayFrom && rel < holidayTo) {
      f *= HOLIDAY_FACTOR;
    }
    if (due.length > 0 && rel > due[due.length - 1]) {
      f *= EXAM_PERIOD_FACTOR;
    }
    return f;
  }

  /** Index of the first assignment due at or after {@code rel}, possibly {@code due.length}. */
  int firstDueAtOrAfter(long rel) {
    int i = Arrays.binarySearch(due, rel);
    return i >= 0 ? i : -i - 1;
  }

  /** The next due time at or after {@code rel}, or {@link Long#MAX_VALUE}. */
  long nextDue(long rel) {
    int i = firstDueAtOrAfter(rel);
    return i < due.length ? due[i] : Long.MAX_VALUE;
  }
}
