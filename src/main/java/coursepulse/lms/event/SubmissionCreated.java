package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * A student submits an assignment; {@code occurredAt} is the submission time. {@code score} is the
 * grade in points out of the assignment's {@code pointsPossible} when the feed knows it (Canvas
 * Live Events' {@code grade_change}, Caliper's {@code GradeEvent}, OULAD's scores), else absent.
 */
@JsonPropertyOrder({
  "type", "eventId", "schemaVersion", "occurredAt", "studentId", "courseId", "assignmentId", "late",
  "score"
})
public record SubmissionCreated(
    String eventId,
    int schemaVersion,
    Instant occurredAt,
    String studentId,
    String courseId,
    String assignmentId,
    boolean late,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double score)
    implements LmsEvent {
  public static final String TYPE = "submission_created";

  /** A submission without a grade (most feeds grade later, or never tell). */
  public SubmissionCreated(
      String eventId,
      int schemaVersion,
      Instant occurredAt,
      String studentId,
      String courseId,
      String assignmentId,
      boolean late) {
    this(eventId, schemaVersion, occurredAt, studentId, courseId, assignmentId, late, null);
  }

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }

  @Override
  @JsonIgnore
  public String key() {
    return studentId;
  }

  @Override
  @JsonIgnore
  public String stream() {
    return StreamNames.ACTIVITY;
  }
}
