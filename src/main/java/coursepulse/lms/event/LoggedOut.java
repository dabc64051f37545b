package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** A student ends a session. */
@JsonPropertyOrder({"type", "eventId", "schemaVersion", "occurredAt", "studentId"})
public record LoggedOut(String eventId, int schemaVersion, Instant occurredAt, String studentId)
    implements LmsEvent {
  public static final String TYPE = "logged_out";

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
    return StreamNames.LOGIN;
  }
}
