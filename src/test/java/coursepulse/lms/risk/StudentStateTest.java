package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A student's course list holds one shared instance per course id, also after a restore. */
class StudentStateTest {

  @Test
  void shouldHoldOneInstanceOfACourseIdForAllStudents() {
    // Two equal ids that are distinct objects, as two decoded events bring them.
    String fromOneEvent = new String("CS101-2026A".toCharArray());
    String fromAnother = new String("CS101-2026A".toCharArray());
    assertThat(fromOneEvent).isNotSameAs(fromAnother);

    StudentState a = new StudentState(4);
    StudentState b = new StudentState(4);
    a.addCourse(fromOneEvent);
    b.addCourse(fromAnother);
    b.addCourse(new String("MA201-2026A".toCharArray()));

    assertThat(a.courses[0]).isSameAs(b.courses[0]);
    var serde = StateSerdes.student(4);
    StudentState restored = serde.deserialize(serde.serialize(b));
    assertThat(restored.courses).containsExactly("CS101-2026A", "MA201-2026A");
    assertThat(restored.courses[0]).isSameAs(a.courses[0]);
  }
}
