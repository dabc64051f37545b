package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * An instructor publishes an assignment with a due time. Keyed by course. {@code kind} is an open
 * set naming what sort of work it is when the feed says (OULAD: {@code TMA} tutor-marked, {@code
 * CMA} computer-marked, {@code Exam}); {@code weight} its share of the final grade in percent, when
 * known. The simulator sets both (TMA or CMA, 100 / number of assignments).
 */
@JsonPropertyOrder({
  "type", "eventId", "schemaVersion", "occurredAt", "courseId", "assignmentId", "dueAt",
  "pointsPossible", "kind", "weight"
})
public record AssignmentCreated(
    String eventId,
    int schemaVersion,
    Instant occurredAt,
    String courseId,
    String assignmentId,
    Instant dueAt,
    double pointsPossible,
    @JsonInclude(JsonInclude.Include.NON_NULL) String kind,
    @JsonInclude(JsonInclude.Include.NON_NULL) Double weight)
    implements LmsEvent {
  public static final String TYPE = "assignment_created";

  /** An assignment without a declared kind or weight. */
  public AssignmentCreated(
      String eventId,
      int schemaVersion,
      Instant occurredAt,
      String courseId,
      String assignmentId,
      Instant dueAt,
      double pointsPossible) {
    this(eventId, schemaVersion, occurredAt, courseId, assignmentId, dueAt, pointsPossible, null, null);
  }

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
