package coursepulse.lms.simulator;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Everything that determines a simulated semester. Two runs with equal configs produce the same
 * bytes; {@link #fingerprint()} changes with any field, so runs with different options never share
 * a producer name or event ids.
 *
 * @param seed seed of every random choice (default 42)
 * @param start the day the term starts, 00:00 UTC, any weekday (default {@link #DEFAULT_START});
 *     enrolments happen before it; courses start on it or up to six days later
 * @param days term days to simulate from {@code start} (default: the whole term, 105)
 * @param students number of students (default 2,000)
 * @param courses number of courses (default 20)
 * @param maxCoursesPerStudent each student takes 1 to this many courses (default 3)
 * @param termWeeks length of the term in weeks; courses run within it (default 15)
 * @param mix persona shares (default {@link PersonaMix#oulad()})
 */
public record SimulationConfig(
    long seed,
    LocalDate start,
    int days,
    int students,
    int courses,
    int maxCoursesPerStudent,
    int termWeeks,
    PersonaMix mix) {

  /**
   * A fixed Monday (the start of the 2026 autumn term at many European universities), so that the
   * default output is the same whenever it is produced.
   */
  public static final LocalDate DEFAULT_START = LocalDate.of(2026, 9, 7);

  /** Bumped whenever the behaviour model changes, so old and new output never share ids. */
  static final int MODEL_VERSION = 2;

  /** The largest number of students: student and course ordinals share 26 bits of a merge key. */
  public static final int MAX_STUDENTS = 50_000_000;

  /**
   * The range of term starts: events reach up to a year either side of the start (enrolments up to
   * about 270 days before it, a 52-week term after it), and readers refuse event times outside
   * 1970 to 2200 (docs/events.md), so a start outside this range would publish events that every
   * {@code process} dead-letters.
   */
  public static final LocalDate EARLIEST_START = LocalDate.of(1971, 1, 1);

  /** The latest term start; see {@link #EARLIEST_START}. */
  public static final LocalDate LATEST_START = LocalDate.of(2198, 12, 31);

  public SimulationConfig {
    if (start == null) {
      throw new IllegalArgumentException("start date is required");
    }
    if (start.isBefore(EARLIEST_START) || start.isAfter(LATEST_START)) {
      throw new IllegalArgumentException(
          "start must be " + EARLIEST_START + ".." + LATEST_START + ", was " + start
              + ": events reach up to a year either side of it and readers accept event times"
              + " between 1970 and 2200 only");
    }
    if (termWeeks < 1 || termWeeks > 52) {
      throw new IllegalArgumentException("term weeks must be 1..52, was " + termWeeks);
    }
    if (days < 1 || days > termWeeks * 7) {
      throw new IllegalArgumentException(
          "days must be 1.." + termWeeks * 7 + " (the term length), was " + days);
    }
    if (students < 1 || students > MAX_STUDENTS) {
      throw new IllegalArgumentException("students must be 1.." + MAX_STUDENTS + ", was " + students);
    }
    if (courses < 1 || courses > 9_999) {
      throw new IllegalArgumentException("courses must be 1..9999, was " + courses);
    }
    if (maxCoursesPerStudent < 1 || maxCoursesPerStudent > 6) {
      throw new IllegalArgumentException(
          "courses per student must be 1..6, was " + maxCoursesPerStudent);
    }
    if (mix == null) {
      throw new IllegalArgumentException("persona mix is required");
    }
  }

  /** The defaults: seed 42, 2,000 students, 20 courses, a 15-week term from 2026-09-07. */
  public static SimulationConfig defaults() {
    return new SimulationConfig(42, DEFAULT_START, 105, 2_000, 20, 3, 15, PersonaMix.oulad());
  }

  public SimulationConfig withSeed(long v) {
    return new SimulationConfig(v, start, days, students, courses, maxCoursesPerStudent, termWeeks, mix);
  }

  public SimulationConfig withStart(LocalDate v) {
    return new SimulationConfig(seed, v, days, students, courses, maxCoursesPerStudent, termWeeks, mix);
  }

  public SimulationConfig withDays(int v) {
    return new SimulationConfig(seed, start, v, students, courses, maxCoursesPerStudent, termWeeks, mix);
  }

  public SimulationConfig withStudents(int v) {
    return new SimulationConfig(seed, start, days, v, courses, maxCoursesPerStudent, termWeeks, mix);
  }

  public SimulationConfig withCourses(int v) {
    return new SimulationConfig(seed, start, days, students, v, maxCoursesPerStudent, termWeeks, mix);
  }

  public SimulationConfig withMaxCoursesPerStudent(int v) {
    return new SimulationConfig(seed, start, days, students, courses, v, termWeeks, mix);
  }

  /** Also sets {@code days} to the whole term when it was the whole previous term. */
  public SimulationConfig withTermWeeks(int v) {
    int d = days == termWeeks * 7 ? v * 7 : Math.min(days, v * 7);
    return new SimulationConfig(seed, start, d, students, courses, maxCoursesPerStudent, v, mix);
  }

  public SimulationConfig withMix(PersonaMix v) {
    return new SimulationConfig(seed, start, days, students, courses, maxCoursesPerStudent, termWeeks, v);
  }

  /** Term start as epoch seconds. */
  long termStartSecond() {
    return start.atStartOfDay(ZoneOffset.UTC).toEpochSecond();
  }

  /** A 64-bit hash of every field that shapes the output, and of the model version. */
  public long fingerprint() {
    String canonical =
        "v" + MODEL_VERSION + "|" + seed + "|" + start + "|" + days + "|" + students + "|"
            + courses + "|" + maxCoursesPerStudent + "|" + termWeeks + "|" + mix;
    long h = 0x6A09E667F3BCC908L;
    for (byte b : canonical.getBytes(StandardCharsets.UTF_8)) {
      h = Rng.hash(h, b);
    }
    return h;
  }

  /**
   * The producer name the publisher uses on every stream: the same options resume the same
   * deduplication sequence; different options never collide.
   */
  public String producerName() {
    return "coursepulse-simulator-" + String.format("%016x", fingerprint());
  }
}
