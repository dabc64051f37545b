package coursepulse.lms.simulator;

import coursepulse.lms.publish.EventSource;

/**
 * One pass over a simulation's events in a global, deterministic order: by event time, then
 * course events before student events, then by course or student index. That order is also
 * event-time order within each stream.
 *
 * <p>Every student is a {@link StudentCursor} holding only its next active day; a binary heap of
 * packed {@code (time, ordinal)} longs merges them. Not thread-safe.
 */
public final class SimulationRun implements EventSource {
  private static final int ORD_BITS = 26;
  private static final long ORD_MASK = (1L << ORD_BITS) - 1;
  /** Step result of a finished cursor (relative times may be negative: before the start). */
  private static final long DONE = Long.MIN_VALUE;

  private final Term term;
  private final int courses;
  private final StudentCursor[] students;
  private final int[] nextAssignment;
  private final Planner planner;
  private final SimEvent event;
  private final long origin;
  private final long[] heap;
  private int size;
  private int current = -1;
  private final long[] sequences = new long[3];
  private long count;

  SimulationRun(Term term) {
    this.term = term;
    this.courses = term.config.courses();
    this.students = new StudentCursor[term.config.students()];
    this.nextAssignment = new int[courses];
    this.planner = new Planner(term);
    this.event = new SimEvent(term, new Names(term.seed));
    this.origin = Term.planDayStart(term.firstPlanDay);
    this.heap = new long[courses + students.length];
    for (int c = 0; c < courses; c++) {
      if (term.courses[c].due.length > 0 && courseTime(c) < term.horizon) {
        push(key(courseTime(c), c));
      }
    }
    Rng profile = new Rng(0);
    for (int i = 0; i < students.length; i++) {
      StudentCursor s = StudentCursor.create(term, i, profile);
      students[i] = s;
      if (s.advance(term, planner)) {
        push(key(s.time(), courses + i));
      }
    }
  }

  /** Events returned so far. */
  public long count() {
    return count;
  }

  /**
   * The next event, or null when the simulation has reached its horizon. The returned view is
   * overwritten by the next call.
   */
  @Override
  public SimEvent next() {
    if (current >= 0) {
      long t = step(current);
      if (t != DONE) {
        replaceTop(key(t, current));
      } else {
        removeTop();
      }
      current = -1;
    }
    if (size == 0) {
      return null;
    }
    int ord = (int) (heap[0] & ORD_MASK);
    current = ord;
    fill(ord);
    count++;
    return event;
  }

  /** Advances one cursor; returns its next relative time, or {@link #DONE}. */
  private long step(int ord) {
    if (ord < courses) {
      nextAssignment[ord]++;
      long t = courseTime(ord);
      return nextAssignment[ord] < term.courses[ord].due.length && t < term.horizon ? t : DONE;
    }
    StudentCursor s = students[ord - courses];
    if (s.advance(term, planner)) {
      return s.time();
    }
    students[ord - courses] = null;
    return DONE;
  }

  private long courseTime(int c) {
    Course course = term.courses[c];
    return nextAssignment[c] < course.publish.length ? course.publish[nextAssignment[c]] : Long.MAX_VALUE;
  }

  private void fill(int ord) {
    SimEvent e = event;
    if (ord < courses) {
      int j = nextAssignment[ord];
      e.type = SimEvent.ASSIGNMENT_CREATED;
      e.student = -1;
      e.course = ord;
      e.assignment = j;
      e.epochSecond = term.startSecond + term.courses[ord].publish[j];
      e.dueEpochSecond = term.startSecond + term.courses[ord].due[j];
    } else {
      StudentCursor s = students[ord - courses];
      e.student = s.index;
      e.epochSecond = term.startSecond + s.time();
      int slot = s.slot();
      int payload = s.payload();
      e.course = s.courses[slot];
      switch (s.kind()) {
        case StudentCursor.ENROLL:
          e.type = SimEvent.ENROLLMENT_CREATED;
          break;
        case StudentCursor.DROP:
          e.type = SimEvent.ENROLLMENT_DROPPED;
          break;
        case StudentCursor.LOGIN:
          e.type = SimEvent.LOGGED_IN;
          e.device = payload;
          e.agent = s.agent;
          break;
        case StudentCursor.LOGOUT:
          e.type = SimEvent.LOGGED_OUT;
          break;
        case StudentCursor.SUBMIT:
          e.type = SimEvent.SUBMISSION_CREATED;
          e.assignment = payload & 0xFF;
          e.late = (payload & 0x100) != 0;
          e.score = payload >>> 9;
          break;
        case StudentCursor.ASSET:
        default:
          e.type = SimEvent.ASSET_ACCESSED;
          e.assetKind = payload;
          break;
      }
    }
    e.sequence = sequences[e.streamIndex()]++;
  }

  private long key(long rel, int ord) {
    return (rel - origin) << ORD_BITS | ord;
  }

  private void push(long k) {
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (heap[parent] <= k) {
        break;
      }
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = k;
  }

  private void removeTop() {
    long last = heap[--size];
    if (size > 0) {
      replaceTop(last);
    }
  }

  private void replaceTop(long k) {
    int i = 0;
    int half = size >>> 1;
    while (i < half) {
      int child = 2 * i + 1;
      int right = child + 1;
      if (right < size && heap[right] < heap[child]) {
        child = right;
      }
      if (k <= heap[child]) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = k;
  }
}
