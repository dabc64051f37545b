package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;

/**
 * A student opens course material. {@code assetKind} is an open set (page, file, video, quiz,
 * discussion, or a feed's own kinds such as OULAD's {@code oucontent}); {@code assetId} names the
 * page when the feed does; {@code clicks} is how many interactions the event stands for when a feed
 * reports them aggregated (OULAD: clicks of one student on one page on one day), absent for one.
 */
@JsonPropertyOrder({
  "type", "eventId", "schemaVersion", "occurredAt", "studentId", "courseId", "assetKind", "assetId",
  "clicks"
})
public record AssetAccessed(
    String eventId,
    int schemaVersion,
    Instant occurredAt,
    String studentId,
    String courseId,
    String assetKind,
    @JsonInclude(JsonInclude.Include.NON_NULL) String assetId,
    @JsonInclude(JsonInclude.Include.NON_NULL) Integer clicks)
    implements LmsEvent {
  public static final String TYPE = "asset_accessed";

  /** One access of one asset, as the simulator and the live feeds report it. */
  public AssetAccessed(
      String eventId,
      int schemaVersion,
      Instant occurredAt,
      String studentId,
      String courseId,
      String assetKind) {
    this(eventId, schemaVersion, occurredAt, studentId, courseId, assetKind, null, null);
  }

  /** The number of interactions this event stands for: {@code clicks}, or 1 when absent. */
  @JsonIgnore
  public int clickCount() {
    return clicks == null ? 1 : clicks;
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
