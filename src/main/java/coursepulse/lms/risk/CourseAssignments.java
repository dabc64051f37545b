package coursepulse.lms.risk;

import java.util.Arrays;

/**
 * The assignments of one course in creation order; the position is the bit index used by {@link
 * EnrollmentState}. Immutable: {@link #with} returns a copy.
 */
final class CourseAssignments {
  static final CourseAssignments EMPTY = new CourseAssignments(new String[0], new long[0]);

  private final String[] ids;
  private final long[] dueMs;

  CourseAssignments(String[] ids, long[] dueMs) {
    this.ids = ids;
    this.dueMs = dueMs;
  }

  int size() {
    return ids.length;
  }

  String id(int index) {
    return ids[index];
  }

  long due(int index) {
    return dueMs[index];
  }

  /** The index of an assignment, or -1. */
  int indexOf(String assignmentId) {
    for (int i = 0; i < ids.length; i++) {
      if (ids[i].equals(assignmentId)) {
        return i;
      }
    }
    return -1;
  }

  CourseAssignments with(String assignmentId, long due) {
    String[] i2 = Arrays.copyOf(ids, ids.length + 1);
    long[] d2 = Arrays.copyOf(dueMs, dueMs.length + 1);
    i2[ids.length] = assignmentId;
    d2[ids.length] = due;
    return new CourseAssignments(i2, d2);
  }
}
