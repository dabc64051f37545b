package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.LmsEvent;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The hand-written baseline of {@code bench}: what {@code state-bytes-plain-java-rules} divides
 * its heap by, the student-courses it holds.
 */
class PlainJavaRulesTest {

  private static final Instant START = Instant.parse("2026-02-02T00:00:00Z");
  private int ids;

  @Test
  void shouldHoldAStudentCourseFromItsEnrolmentUntilItsCourseEnds() {
    PlainJavaRules plain = new PlainJavaRules(PlainJavaRules.SAME_RULES);
    plain.accept(enrolment("s1", "C1", 10));
    plain.accept(enrolment("s1", "C2", 40));
    plain.accept(enrolment("s2", "C1", 10));
    plain.accept(enrolment("s2", "C2", 40));
    assertThat(plain.studentCourses()).isEqualTo(4);

    // Stream time passes the end of the 10-day course: its two student-courses are let go.
    plain.accept(enrolment("s3", "C3", 60, Duration.ofDays(11)));
    assertThat(plain.studentCourses()).isEqualTo(3);
  }

  private EnrollmentCreated enrolment(String student, String course, int days) {
    return enrolment(student, course, days, Duration.ZERO);
  }

  private EnrollmentCreated enrolment(String student, String course, int days, Duration at) {
    Instant t = START.plus(at);
    return new EnrollmentCreated("e" + ids++, LmsEvent.SCHEMA_VERSION, t, student, course,
        "student", null, null, START, START.plus(Duration.ofDays(days)));
  }
}
