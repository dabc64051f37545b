package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** An instructor publishes an assignment with a due time. Keyed by course. */
@JsonPropertyOrder({
  "type", "eventId", "schemaVersion", "occurredAt", "courseId", "assignmentId", "dueAt",
  "pointsPossible"
})
public record AssignmentCreated(
    String eventId,
    int schemaVersion,
    Instant occurredAt,
    String courseId,
    String assignmentId,
    Instant dueAt,
    double pointsPossible)
    implements LmsEvent {
  public static final String TYPE = "assignment_created";

  @Override
  @JsonIgnore
  public String type() {
    return TYPE;
  }

  @Override
  @JsonIgnore
  public String key() {
    return courseId;
  }

  @Override
  @JsonIgnore
  public String stream() {
    return StreamNames.ACTIVITY;
  }
}
