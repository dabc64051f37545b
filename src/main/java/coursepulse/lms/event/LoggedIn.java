package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/** A student starts a session. {@code device} is one of desktop, mobile, tablet. */
@JsonPropertyOrder({"type", "eventId", "schemaVersion", "occurredAt", "studentId", "device", "userAgent"})
public record LoggedIn(
    String eventId,
    int schemaVersion,
    Instant occurredAt,
    String studentId,
    String device,
    String userAgent)
    implements LmsEvent {
  public static final String TYPE = "logged_in";

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
