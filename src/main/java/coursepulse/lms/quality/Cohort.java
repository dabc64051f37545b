package coursepulse.lms.quality;

import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.outcome.FinalResult;
import coursepulse.lms.outcome.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The student-course pairs an evaluation scores: every pair of the selected courses that has both
 * an enrolment (for the course's dates) and an outcome, minus those that left at or before the
 * course start, which are only counted. Pairs are ordered by course, then student, so every figure
 * is computed in the same order on every run.
 *
 * <p>Per pair it keeps the times the scoring needs as epoch milliseconds, so the millions of alert
 * and activity records are matched without allocating.
 */
public final class Cohort {

  static final long DAY_MS = Duration.ofDays(1).toMillis();

  /** No leaving time: the student stayed. */
  static final long NEVER = Long.MAX_VALUE;

  /**
   * How the pairs were found.
   *
   * @param pairs pairs evaluated
   * @param fine evaluated pairs that passed (with or without distinction)
   * @param failed evaluated pairs that failed
   * @param withdrawn evaluated pairs that withdrew after the course start
   * @param withdrawnUndated of {@code withdrawn}, those without a withdrawal time (scored as leaving
   *     at the course end)
   * @param leftBeforeStart pairs of the selected courses that left at or before the course start:
   *     reported apart, excluded from every figure
   * @param outcomesWithoutEnrolment outcomes of selected courses with no enrolment in {@code
   *     01-Enrollment} (not evaluated: the course dates are unknown)
   * @param enrolmentsWithoutOutcome enrolments of selected courses missing from the outcomes file
   *     (not evaluated)
   * @param unreadableRecords records of {@code 01-Enrollment} that were not valid events (skipped)
   */
  public record Counts(
      int pairs,
      int fine,
      int failed,
      int withdrawn,
      int withdrawnUndated,
      int leftBeforeStart,
      int outcomesWithoutEnrolment,
      int enrolmentsWithoutOutcome,
      long unreadableRecords) {}

  private final String courses;
  private final List<StudentCourse> pairs;
  private final Map<String, Integer> indexByKey;
  private final Map<String, int[]> indexesByStudent;
  private final Counts counts;
  final long[] enrolledMs;
  final long[] startMs;
  final long[] endMs;
  final long[] leftMs;

  private Cohort(String courses, List<StudentCourse> pairs, Counts counts) {
    this.courses = courses;
    this.pairs = List.copyOf(pairs);
    this.counts = counts;
    int n = pairs.size();
    indexByKey = new HashMap<>(n * 2);
    Map<String, List<Integer>> byStudent = new HashMap<>();
    enrolledMs = new long[n];
    startMs = new long[n];
    endMs = new long[n];
    leftMs = new long[n];
    for (int i = 0; i < n; i++) {
      StudentCourse p = pairs.get(i);
      indexByKey.put(key(p.studentId(), p.courseId()), i);
      byStudent.computeIfAbsent(p.studentId(), k -> new ArrayList<>()).add(i);
      enrolledMs[i] = p.enrolledAt().toEpochMilli();
      startMs[i] = p.courseStart().toEpochMilli();
      endMs[i] = p.courseEnd().toEpochMilli();
      leftMs[i] = p.leftAt() == null ? NEVER : p.leftAt().toEpochMilli();
    }
    indexesByStudent = new HashMap<>(byStudent.size() * 2);
    byStudent.forEach(
        (student, list) -> indexesByStudent.put(
            student, list.stream().mapToInt(Integer::intValue).toArray()));
  }

  /** A builder that keeps the enrolments of the courses {@code filter} selects. */
  public static Builder builder(CourseFilter filter) {
    return new Builder(filter);
  }

  /** The courses selected, as the filter describes them. */
  public String courses() {
    return courses;
  }

  /** The evaluated pairs, by course then student. */
  public List<StudentCourse> pairs() {
    return pairs;
  }

  /** How the pairs were found. */
  public Counts counts() {
    return counts;
  }

  int size() {
    return pairs.size();
  }

  FinalResult result(int i) {
    return pairs.get(i).result();
  }

  /** The pair's index, or -1 when it is not evaluated. */
  int indexOf(String studentId, String courseId) {
    Integer i = indexByKey.get(key(studentId, courseId));
    return i == null ? -1 : i;
  }

  /** The indexes of the student's evaluated pairs (empty when none). */
  int[] indexesOf(String studentId) {
    int[] found = indexesByStudent.get(studentId);
    return found == null ? new int[0] : found;
  }

  /** The pair's cut-off at course week {@code week}: course start + 7 × week days. */
  long cutMs(int i, int week) {
    return startMs[i] + 7L * week * DAY_MS;
  }

  /** Whether the student had enrolled and not yet left at {@code t}. */
  boolean enrolledAt(int i, long t) {
    return enrolledMs[i] <= t && t < leftMs[i];
  }

  /**
   * Whether an alert opened at {@code t} counts for the pair: within the course's term, while the
   * student was enrolled.
   */
  boolean inTerm(int i, long t) {
    return t >= startMs[i] && t < endMs[i] && enrolledAt(i, t);
  }

  private static String key(String studentId, String courseId) {
    return studentId + '\u0001' + courseId;
  }

  /** Collects enrolments from {@code 01-Enrollment}, then joins them with the outcomes. */
  public static final class Builder {
    private final CourseFilter filter;
    private final Map<String, Enrolment> enrolments = new HashMap<>();
    private final Set<String> enrolmentCourses = new java.util.TreeSet<>();
    private long unreadable;

    private Builder(CourseFilter filter) {
      this.filter = filter;
    }

    /** One record of {@code 01-Enrollment}; records that are not valid events are counted. */
    public Builder enrollment(byte[] body) {
      LmsEvent event;
      try {
        event = EventCodec.decode(body);
      } catch (RuntimeException e) {
        unreadable++;
        return this;
      }
      return enrollment(event);
    }

    /**
     * One enrolment event; other types are ignored. A re-enrolment after a drop keeps the first
     * enrolment time and clears the drop.
     */
    public Builder enrollment(LmsEvent event) {
      if (event instanceof EnrollmentCreated c) {
        enrolmentCourses.add(c.courseId());
      }
      if (event instanceof EnrollmentCreated c && filter.test(c.courseId())) {
        Enrolment e = enrolments.computeIfAbsent(key(c.studentId(), c.courseId()), k -> new Enrolment());
        if (e.enrolledAt == null || c.occurredAt().isBefore(e.enrolledAt)) {
          e.enrolledAt = c.occurredAt();
        }
        e.courseStart = c.courseStart();
        e.courseEnd = c.courseEnd();
        e.droppedAt = null;
      } else if (event instanceof EnrollmentDropped d && filter.test(d.courseId())) {
        Enrolment e = enrolments.computeIfAbsent(key(d.studentId(), d.courseId()), k -> new Enrolment());
        e.droppedAt = d.occurredAt();
      }
      return this;
    }

    /**
     * Joins the enrolments read so far with {@code outcomes} (of any course; filtered here).
     *
     * @throws IllegalArgumentException when no pair is left to evaluate, naming the courses of the
     *     outcomes and of the enrolments (every figure would be n/a)
     */
    public Cohort build(List<Outcome> outcomes) {
      List<StudentCourse> pairs = new ArrayList<>();
      int fine = 0;
      int failed = 0;
      int withdrawn = 0;
      int undated = 0;
      int beforeStart = 0;
      int withoutEnrolment = 0;
      Set<String> matched = new HashSet<>();
      for (Outcome o : outcomes) {
        if (!filter.test(o.courseId())) {
          continue;
        }
        String key = key(o.studentId(), o.courseId());
        Enrolment e = enrolments.get(key);
        if (e == null || e.enrolledAt == null) {
          withoutEnrolment++;
          continue;
        }
        if (!matched.add(key)) {
          throw new IllegalArgumentException("the outcomes file has two lines for " + o.studentId()
              + " in " + o.courseId() + ": keep one per student and course");
        }
        Instant leftAt;
        boolean dated = true;
        if (o.finalResult() == FinalResult.WITHDRAWN) {
          leftAt = o.withdrawnAt() != null ? o.withdrawnAt() : e.droppedAt;
          if (leftAt == null) {
            // The latest the student can have left: the lead is then counted to the course end.
            leftAt = e.courseEnd;
            dated = false;
          }
        } else {
          leftAt = e.droppedAt;
        }
        if (leftAt != null && !leftAt.isAfter(e.courseStart)) {
          beforeStart++;
          continue;
        }
        switch (o.finalResult()) {
          case PASS, DISTINCTION -> fine++;
          case FAIL -> failed++;
          case WITHDRAWN -> {
            withdrawn++;
            undated += dated ? 0 : 1;
          }
        }
        pairs.add(new StudentCourse(o.studentId(), o.courseId(), e.enrolledAt, e.courseStart,
            e.courseEnd, o.finalResult(), leftAt));
      }
      if (pairs.isEmpty() && beforeStart == 0) {
        throw new IllegalArgumentException(nothingToEvaluate(outcomes));
      }
      long enrolled = enrolments.values().stream().filter(e -> e.enrolledAt != null).count();
      pairs.sort(Comparator.comparing(StudentCourse::courseId).thenComparing(StudentCourse::studentId));
      Counts counts = new Counts(pairs.size(), fine, failed, withdrawn, undated, beforeStart,
          withoutEnrolment, (int) (enrolled - matched.size()), unreadable);
      return new Cohort(filter.description(), pairs, counts);
    }

    private String nothingToEvaluate(List<Outcome> outcomes) {
      Set<String> outcomeCourses = new java.util.TreeSet<>();
      outcomes.forEach(o -> outcomeCourses.add(o.courseId()));
      return "no student-course to evaluate (courses: "
          + filter.description()
          + "): the outcomes file has "
          + (outcomeCourses.isEmpty() ? "no lines" : "courses " + String.join(", ", outcomeCourses))
          + ", 01-Enrollment "
          + (enrolmentCourses.isEmpty()
              ? "no enrolments"
              : "courses " + String.join(", ", enrolmentCourses))
          + "; choose --courses among the courses both have";
    }
  }

  private static final class Enrolment {
    Instant enrolledAt;
    Instant courseStart;
    Instant courseEnd;
    Instant droppedAt;
  }
}
