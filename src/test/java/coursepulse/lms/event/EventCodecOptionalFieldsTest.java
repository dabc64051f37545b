package coursepulse.lms.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventCodecOptionalFieldsTest {

  private static LmsEvent decode(String json) {
    return EventCodec.decode(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldAcceptEventsWithoutTheirOptionalFields() {
    LmsEvent login =
        decode(
            "{\"type\":\"logged_in\",\"eventId\":\"e\",\"schemaVersion\":1,"
                + "\"occurredAt\":\"2026-09-07T07:03:04Z\",\"studentId\":\"s-1\"}");
    assertThat(((LoggedIn) login).device()).isNull();
    LmsEvent enrolment =
        decode(
            "{\"type\":\"enrollment_created\",\"eventId\":\"e\",\"schemaVersion\":1,"
                + "\"occurredAt\":\"2026-09-07T07:03:04Z\",\"studentId\":\"s-1\",\"courseId\":\"c-1\","
                + "\"courseStart\":\"2026-09-07T00:00:00Z\",\"courseEnd\":\"2026-12-21T00:00:00Z\"}");
    assertThat(((EnrollmentCreated) enrolment).name()).isNull();
  }

  @Test
  void shouldStillRefuseEventsWithoutARequiredFieldAsMissingField() {
    assertThatThrownBy(
            () ->
                decode(
                    "{\"type\":\"logged_in\",\"eventId\":\"e\",\"schemaVersion\":1,"
                        + "\"occurredAt\":\"2026-09-07T07:03:04Z\"}"))
        .isInstanceOfSatisfying(
            MalformedEventException.class,
            e -> assertThat(e.reason()).isEqualTo(MalformedEventException.Reason.MISSING_FIELD));
    assertThatThrownBy(
            () ->
                decode(
                    "{\"type\":\"submission_created\",\"eventId\":\"e\",\"schemaVersion\":1,"
                        + "\"occurredAt\":\"2026-09-07T07:03:04Z\",\"studentId\":\"s-1\","
                        + "\"courseId\":\"c-1\",\"assignmentId\":\"a\"}"))
        .isInstanceOfSatisfying(
            MalformedEventException.class,
            e -> assertThat(e.reason()).isEqualTo(MalformedEventException.Reason.MISSING_FIELD));
  }
}
