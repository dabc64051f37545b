package coursepulse.lms.outcome;

import java.time.Instant;
import java.util.Objects;

/**
 * The real outcome of one student in one course.
 *
 * @param studentId the student, as in the event streams
 * @param courseId the course, as in the event streams
 * @param finalResult how the course ended for the student
 * @param withdrawnAt when the student formally left (unregistered); {@code null} unless withdrawn
 *     with a known date
 */
public record Outcome(String studentId, String courseId, FinalResult finalResult, Instant withdrawnAt) {
  public Outcome {
    Objects.requireNonNull(studentId, "studentId");
    Objects.requireNonNull(courseId, "courseId");
    Objects.requireNonNull(finalResult, "finalResult");
  }
}
