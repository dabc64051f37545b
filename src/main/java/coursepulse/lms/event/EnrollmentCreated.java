package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** A user joins a course in a role. Carries the only personal data in the schema. */
@JsonPropertyOrder({
  "type", "eventId", "schemaVersion", "occurredAt", "studentId", "courseId", "role", "name",
  "email", "courseStart", "courseEnd"
})
public record EnrollmentCreated(
    String eventId,
    int schemaVersion,
    Instant occurredAt,
    String studentId,
    String courseId,
    String role,
    String name,
    String email,
    Instant courseStart,
    Instant courseEnd)
    implements LmsEvent {
  public static final String TYPE = "enrollment_created";

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

  /** Hides personal data: safe for logs at any level. */
  @Override
  public String toString() {
    return "EnrollmentCreated[" + eventId + " " + studentId + " in " + courseId + " as " + role + "]";
  }
}
