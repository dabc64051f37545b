package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** A student formally leaves a course (withdrawal, deletion, completion of enrolment). */
@JsonPropertyOrder({"type", "eventId", "schemaVersion", "occurredAt", "studentId", "courseId", "reason"})
public record EnrollmentDropped(
    String eventId,
    int schemaVersion,
    Instant occurredAt,
    String studentId,
    String courseId,
    String reason)
    implements LmsEvent {
  public static final String TYPE = "enrollment_dropped";

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
    return StreamNames.ENROLLMENT;
  }
}
