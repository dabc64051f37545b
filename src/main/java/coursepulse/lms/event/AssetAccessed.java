package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * A student opens course material. {@code assetKind} is one of page, file, video, quiz,
 * discussion.
 */
@JsonPropertyOrder({"type", "eventId", "schemaVersion", "occurredAt", "studentId", "courseId", "assetKind"})
public record AssetAccessed(
    String eventId,
    int schemaVersion,
    Instant occurredAt,
    String studentId,
    String courseId,
    String assetKind)
    implements LmsEvent {
  public static final String TYPE = "asset_accessed";

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
