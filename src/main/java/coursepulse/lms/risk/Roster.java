package coursepulse.lms.risk;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Who is enrolled where and what each course asks for: enrolments keyed course first ({@link
 * #key}), so that a course's members are one key range in student-id order, and the course's
 * assignment schedule. Reads and writes the roster stores; the processor decides when.
 */
final class Roster {
  private final KeyValueStore<String, EnrollmentState> enrollments;
  private final KeyValueStore<String, CourseAssignments> courses;

  Roster(
      KeyValueStore<String, EnrollmentState> enrollments,
      KeyValueStore<String, CourseAssignments> courses) {
    this.enrollments = enrollments;
    this.courses = courses;
  }

  /** The key of a student's enrolment in a course: course first (see {@link #members}). */
  static String key(String student, String course) {
    return TimerKeys.pair(course, student);
  }

  /** An enrolment of a course, as stored under {@code key}. */
  record Member(String student, String key, EnrollmentState enrollment) {}

  EnrollmentState enrollment(String student, String course) {
    return enrollments.get(key(student, course));
  }

  /** Writes back an enrolment (and its signals) after a change. */
  void update(String key, EnrollmentState en) {
    enrollments.put(key, en);
  }

  void remove(String key) {
    enrollments.delete(key);
  }

  /** The signals of the student-course, or null when not enrolled or none yet; reads only. */
  StudentCourse signalsIfEnrolled(String student, String course) {
    EnrollmentState en = enrollment(student, course);
    return en == null ? null : en.signals;
  }

  /** The signals of the enrolment under {@code key}, started (and written back) on first use. */
  StudentCourse signals(String key, EnrollmentState en) {
    if (en.signals == null) {
      en.signals = new StudentCourse();
      enrollments.put(key, en);
    }
    return en.signals;
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

  /**
   * The course's enrolments (active or dropped), in student-id order: one range of the store, no
   * lookup per member. A list, so that the caller may write and remove them as it goes.
   */
  List<Member> members(String course) {
    List<Member> out = new ArrayList<>();
    for (Iterator<KeyValue<String, EnrollmentState>> it =
            enrollments.range(TimerKeys.prefixStart(course), TimerKeys.prefixEnd(course));
        it.hasNext(); ) {
      KeyValue<String, EnrollmentState> e = it.next();
      out.add(new Member(TimerKeys.second(e.key()), e.key(), e.value()));
    }
    return out;
  }

  /** Whether anyone is still enrolled in the course (active or dropped). */
  boolean hasMembers(String course) {
    Iterator<KeyValue<String, EnrollmentState>> it =
        enrollments.range(TimerKeys.prefixStart(course), TimerKeys.prefixEnd(course));
    return it.hasNext();
  }

  /** The course's assignments in announcement order; empty when none. */
  CourseAssignments assignments(String course) {
    CourseAssignments ca = courses.get(course);
    return ca == null ? CourseAssignments.EMPTY : ca;
  }
}
