package coursepulse.lms.risk;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Who is enrolled where and what each course asks for: enrolments by (student, course), members by
 * course (in student-id order), and the course's assignment schedule. Reads and writes the roster
 * stores; the processor decides when.
 */
final class Roster {
  private final KeyValueStore<String, EnrollmentState> enrollments;
  private final KeyValueStore<String, byte[]> members;
  private final KeyValueStore<String, CourseAssignments> courses;

  Roster(
      KeyValueStore<String, EnrollmentState> enrollments,
      KeyValueStore<String, byte[]> members,
      KeyValueStore<String, CourseAssignments> courses) {
    this.enrollments = enrollments;
    this.members = members;
    this.courses = courses;
  }

  EnrollmentState enrollment(String student, String course) {
    return enrollments.get(TimerKeys.pair(student, course));
  }

  /** The student's enrolments in the roster (active or dropped), in course-id order. */
  List<EnrollmentState> enrollments(String student, StudentState st) {
    List<EnrollmentState> out = new ArrayList<>(st.courses.length);
    for (String course : st.courses) {
      EnrollmentState en = enrollment(student, course);
      if (en != null) {
        out.add(en);
      }
    }
    return out;
  }

  /** Students with an enrolment in the course (active or dropped), in id order. */
  List<String> members(String course) {
    List<String> out = new ArrayList<>();
    for (Iterator<KeyValue<String, byte[]>> it =
            members.range(TimerKeys.prefixStart(course), TimerKeys.prefixEnd(course));
        it.hasNext(); ) {
      out.add(TimerKeys.second(it.next().key()));
    }
    return out;
  }

  /** The course's assignments in announcement order; empty when none. */
  CourseAssignments assignments(String course) {
    CourseAssignments ca = courses.get(course);
    return ca == null ? CourseAssignments.EMPTY : ca;
  }
}
