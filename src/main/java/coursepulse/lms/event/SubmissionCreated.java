package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** A student submits an assignment; {@code occurredAt} is the submission time. */
@JsonPropertyOrder({
  "type", "eventId", "schemaVersion", "occurredAt", "studentId", "courseId", "assignmentId", "late"
})
public record SubmissionCreated(
    String eventId,
    int schemaVersion,
    Instant occurredAt,
    String studentId,
    String courseId,
    String assignmentId,
    boolean late)
    implements LmsEvent {
  public static final String TYPE = "submission_created";

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
