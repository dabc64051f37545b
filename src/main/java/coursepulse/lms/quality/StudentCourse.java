package coursepulse.lms.quality;

import coursepulse.lms.outcome.FinalResult;
import java.time.Instant;
import java.util.Objects;

/**
 * One evaluated student-course pair: when the student enrolled, the course's dates, how it ended
 * and when the student left.
 *
 * @param studentId the student
 * @param courseId the course
 * @param enrolledAt the {@code enrollment_created} time
 * @param courseStart first instant of the course
 * @param courseEnd end of the course (exclusive)
 * @param result the real outcome
 * @param leftAt when the student left the course, {@code null} when they stayed to the end: for a
 *     withdrawn pair the outcome's {@code withdrawnAt}, else the {@code enrollment_dropped} time,
 *     else (a withdrawal nobody dated) the course end
 */
public record StudentCourse(
    String studentId,
    String courseId,
    Instant enrolledAt,
    Instant courseStart,
    Instant courseEnd,
    FinalResult result,
    Instant leftAt) {

  public StudentCourse {
    Objects.requireNonNull(studentId, "studentId");
    Objects.requireNonNull(courseId, "courseId");
    Objects.requireNonNull(enrolledAt, "enrolledAt");
    Objects.requireNonNull(courseStart, "courseStart");
    Objects.requireNonNull(courseEnd, "courseEnd");
    Objects.requireNonNull(result, "result");
  }

  /** Withdrawn or failed: the pairs an early alert should catch. */
  public boolean atRisk() {
    return result.atRisk();
  }
}
