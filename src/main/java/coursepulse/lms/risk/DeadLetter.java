package coursepulse.lms.risk;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import coursepulse.engine.Serde;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * A valid event the alerting application refused to use, with the reason. It names the event
 * (type, id, student, course, time, origin) but never copies its body, so personal data in an
 * enrolment never reaches the dead-letter stream.
 *
 * @param reason one of {@link #NOT_ENROLLED}, {@link #ENROLLMENT_DROPPED}, {@link
 *     #NO_ACTIVE_ENROLLMENT}, {@link #INVALID_ID}, {@link #INVALID_COURSE_DATES}, {@link
 *     #DUPLICATE_EVENT}
 * @param stream source stream, or {@code null} when unknown
 * @param offset offset in the source stream, or -1 when unknown
 * @param eventType the event's {@code type}
 * @param eventId the event's id
 * @param studentId the student, or {@code null}
 * @param courseId the course, or {@code null}
 * @param occurredAt the event time
 */
public record DeadLetter(
    String reason,
    String stream,
    long offset,
    String eventType,
    String eventId,
    String studentId,
    String courseId,
    Instant occurredAt) implements RiskOutput {

  /** No enrolment of this student (in this course) is known. */
  public static final String NOT_ENROLLED = "not_enrolled";

  /** The student dropped this course before the event. */
  public static final String ENROLLMENT_DROPPED = "enrollment_dropped";

  /** A login of a student whose every enrolment was dropped. */
  public static final String NO_ACTIVE_ENROLLMENT = "no_active_enrollment";

  /**
   * An id with control characters, which the state keys reserve as separators, or with an unpaired
   * surrogate, which has no UTF-8 form.
   */
  public static final String INVALID_ID = "invalid_id";

  /** An enrolment whose course ends before it starts. */
  public static final String INVALID_COURSE_DATES = "invalid_course_dates";

  /**
   * An event id seen shortly before for the same key (a re-sent event); the record names the key
   * only: the student, or the course of an {@code assignment_created}.
   */
  public static final String DUPLICATE_EVENT = "duplicate_event";

  /** Every reason above, for meters that start at 0. */
  public static final java.util.List<String> REASONS =
      java.util.List.of(
          NOT_ENROLLED, ENROLLMENT_DROPPED, NO_ACTIVE_ENROLLMENT, INVALID_ID, INVALID_COURSE_DATES, DUPLICATE_EVENT);

  private static final JsonFactory FACTORY = new JsonFactory();

  /** A serde writing compact JSON in field order; reading is not supported (write-only stream). */
  public static Serde<DeadLetter> serde() {
    return new Serde<>() {
      @Override
      public byte[] serialize(DeadLetter value) {
        return value.toJson();
      }

      @Override
      public DeadLetter deserialize(byte[] bytes) {
        throw new UnsupportedOperationException("dead letters are written, not read, here");
      }
    };
  }

  /** Compact JSON, fields in declaration order. */
  public byte[] toJson() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(192);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("reason", reason);
      g.writeStringField("stream", stream);
      g.writeNumberField("offset", offset);
      g.writeStringField("type", eventType);
      g.writeStringField("eventId", eventId);
      g.writeStringField("studentId", studentId);
      g.writeStringField("courseId", courseId);
      g.writeStringField("occurredAt", occurredAt.toString());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
