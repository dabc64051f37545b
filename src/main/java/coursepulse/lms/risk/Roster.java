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
  // Signals stored before they moved into the enrolment (format 3); empties as they are taken.
  private final KeyValueStore<String, StudentCourse> storedSignals;

  Roster(
      KeyValueStore<String, EnrollmentState> enrollments,
      KeyValueStore<String, byte[]> members,
      KeyValueStore<String, CourseAssignments> courses,
      KeyValueStore<String, StudentCourse> storedSignals) {
    this.enrollments = enrollments;
    this.members = members;
    this.courses = courses;
    this.storedSignals = storedSignals;
  }

  EnrollmentState enrollment(String student, String course) {
    return enrollments.get(TimerKeys.pair(student, course));
  }

  EnrollmentState enrollment(String key) {
    return enrollments.get(key);
  }

  /** Writes back an enrolment (and its signals) after a change. */
  void update(String key, EnrollmentState en) {
    enrollments.put(key, en);
  }

  /** The signals of the enrolment under {@code key}, or null; reads only (see {@link #signals}). */
  StudentCourse signalsIfEnrolled(String key) {
    EnrollmentState en = enrollments.get(key);
    if (en == null) {
      return null;
    }
    return en.signals != null ? en.signals : storedSignals.get(key);
  }

  /**
   * The signals of the enrolment under {@code key}. State restored from a checkpoint written
   * before format 3 keeps them in a store of their own: they move into the enrolment here, on its
   * first use, and leave that store; both stores are written at once, so no checkpoint can hold
   * them in neither. {@code en} must be the enrolment as last written (with serialized stores, not
   * a copy read before another copy took the signals over: it would start them empty).
   */
  StudentCourse signals(String key, EnrollmentState en) {
    if (en.signals == null) {
      StudentCourse stored = storedSignals.get(key);
      en.signals = stored != null ? stored : new StudentCourse();
      enrollments.put(key, en);
      if (stored != null) {
        storedSignals.delete(key);
      }
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
