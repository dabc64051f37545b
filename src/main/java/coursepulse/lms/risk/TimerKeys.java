package coursepulse.lms.risk;

import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;

/**
 * The application's timers ({@link Timer}: due time, kind, ids) and the string form they are
 * checkpointed in: {@code 13-digit zero-padded due time, kind, ids}, separated by U+0001, the keys
 * of the key-value store that held timers before the engine had a timer queue. Timers due at the
 * same time fire in that form's order ({@link #ORDER}: kind, then ids), as they did in that store.
 * The separator also joins the two ids of enrolment and course-member keys ({@link #pair}).
 */
final class TimerKeys {
  static final char SEP = '\u0001';

  /** LOGIN_INACTIVE check of a student. */
  static final char LOGIN = 'L';
  /** NO_SUBMISSIONS check of a student-course. */
  static final char NO_SUBMISSIONS = 'N';
  /** End of an assignment's grace period: course id and assignment index. */
  static final char DEADLINE = 'D';
  /** End of a week for ACTIVITY_DROP on the activity basis: per course, for its enrolments. */
  static final char WEEK = 'W';
  /** End of a week for ACTIVITY_DROP, per student (logins basis). */
  static final char WEEK_LOGINS = 'w';
  /** Course end: per course; the enrolments ending then are closed and removed. */
  static final char COURSE_END = 'E';
  /** End of a course day (course start + k days): signals, scores and the cohort-aware rules. */
  static final char COURSE_DAY = 'Y';

  private TimerKeys() {}

  /**
   * A timer: due at {@code due} (stream time), of a {@code kind}, about {@code a} (a student or a
   * course) and {@code b} (a course, an assignment's index, or null).
   */
  record Timer(long due, char kind, String a, String b) {}

  /**
   * Timers due at the same time: by kind, then by their ids in code-point order, which is the
   * order of their string forms' UTF-8 bytes (the former store's order; {@code String.compareTo}
   * differs for ids that mix characters beyond U+FFFF with U+E000 to U+FFFF).
   */
  static final Comparator<Timer> ORDER =
      Comparator.comparingInt(Timer::kind)
          .thenComparing(Timer::a, TimerKeys::compareCodePoints)
          .thenComparing(Timer::b, Comparator.nullsFirst(TimerKeys::compareCodePoints));

  /** A timer as its string form's UTF-8 bytes; checkpoints hold what the former store held. */
  static final Serde<Timer> SERDE =
      Serdes.from(
          t -> key(t.due(), t.kind(), t.a(), t.b()).getBytes(StandardCharsets.UTF_8),
          bytes -> parse(new String(bytes, StandardCharsets.UTF_8)));

  /** A timer; a due time before the epoch is the epoch, as the string form can hold no other. */
  static Timer timer(long due, char kind, String a, String b) {
    return new Timer(Math.max(0, due), kind, a, b);
  }

  static String key(long due, char kind, String a, String b) {
    StringBuilder s = new StringBuilder(48);
    String t = Long.toString(Math.max(0, due));
    for (int i = t.length(); i < 13; i++) {
      s.append('0');
    }
    s.append(t).append(SEP).append(kind).append(SEP).append(a);
    if (b != null) {
      s.append(SEP).append(b);
    }
    return s.toString();
  }

  static Timer parse(String key) {
    long due = Long.parseLong(key.substring(0, 13));
    char kind = key.charAt(14);
    String rest = key.substring(16);
    int sep = rest.indexOf(SEP);
    return sep < 0
        ? new Timer(due, kind, rest, null)
        : new Timer(due, kind, rest.substring(0, sep), rest.substring(sep + 1));
  }

  /** Enrolment and course-member keys: {@code a SEP b}; {@link #prefixEnd} bounds a range. */
  static String pair(String a, String b) {
    return a + SEP + b;
  }

  static String prefixStart(String a) {
    return a + SEP;
  }

  static String prefixEnd(String a) {
    return a + (char) (SEP + 1);
  }

  static String second(String pairKey) {
    return pairKey.substring(pairKey.indexOf(SEP) + 1);
  }

  /**
   * Ids must not contain the separators (control characters) nor unpaired surrogates (UTF-8 has
   * no form for them: two such ids would be one key once checkpointed); all printable ids pass.
   */
  static boolean validId(String id) {
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      if (c < 0x20 || Character.isLowSurrogate(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == id.length() || !Character.isLowSurrogate(id.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  /** {@code x} against {@code y} by code points: the order of their UTF-8 bytes. */
  static int compareCodePoints(String x, String y) {
    int i = 0;
    int j = 0;
    while (i < x.length() && j < y.length()) {
      int a = x.codePointAt(i);
      int b = y.codePointAt(j);
      if (a != b) {
        return Integer.compare(a, b);
      }
      i += Character.charCount(a);
      j += Character.charCount(b);
    }
    return Integer.compare(x.length() - i, y.length() - j);
  }
}
