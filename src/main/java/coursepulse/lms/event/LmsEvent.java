package coursepulse.lms.event;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;

/**
 * One thing that happened in an LMS at one time. Every event carries a stable {@link #eventId()},
 * its {@code type} (the JSON discriminator), {@link #schemaVersion()} and {@link #occurredAt()}
 * (event time, UTC). Student and course ids are opaque: names and emails appear only in {@link
 * EnrollmentCreated} and never in keys.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
  @JsonSubTypes.Type(value = EnrollmentCreated.class, name = EnrollmentCreated.TYPE),
  @JsonSubTypes.Type(value = EnrollmentDropped.class, name = EnrollmentDropped.TYPE),
  @JsonSubTypes.Type(value = LoggedIn.class, name = LoggedIn.TYPE),
  @JsonSubTypes.Type(value = LoggedOut.class, name = LoggedOut.TYPE),
  @JsonSubTypes.Type(value = AssignmentCreated.class, name = AssignmentCreated.TYPE),
  @JsonSubTypes.Type(value = SubmissionCreated.class, name = SubmissionCreated.TYPE),
  @JsonSubTypes.Type(value = AssetAccessed.class, name = AssetAccessed.TYPE)
})
public sealed interface LmsEvent
    permits EnrollmentCreated,
        EnrollmentDropped,
        LoggedIn,
        LoggedOut,
        AssignmentCreated,
        SubmissionCreated,
        AssetAccessed {

  /** The schema version this code writes and reads. */
  int SCHEMA_VERSION = 1;

  String eventId();

  int schemaVersion();

  Instant occurredAt();

  /** The {@code type} value of this event in JSON. */
  String type();

  /** The key events are partitioned and grouped by: the student id, or the course id. */
  String key();

  /** The stream this event belongs to. */
  String stream();
}
