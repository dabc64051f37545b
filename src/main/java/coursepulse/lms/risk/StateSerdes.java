package coursepulse.lms.risk;

import coursepulse.engine.Serde;
import coursepulse.lms.risk.StateCodec.In;
import coursepulse.lms.risk.StateCodec.Out;
import java.nio.charset.StandardCharsets;

/**
 * Deterministic compact binary serdes for the risk stores, used by the engine's checkpoints: a
 * format byte, then zig-zag varints ({@link StateCodec}: times as deltas where they cluster), so
 * a typical enrolment checkpoints in about 40 bytes. Equal states give equal bytes. The records
 * that hold rule state end with the states in their {@link StateSlot}s (format 2); the readers
 * also take format 1.
 */
final class StateSerdes {
  /** Every store's first format; still the format of the stores without rule state. */
  static final byte FORMAT_V1 = 1;

  /**
   * The records with rule state ({@link StudentState}, {@link EnrollmentState}, {@link
   * StudentCourse}): the rules' states in their slots after the record's own fields. Format 1 of
   * these records (the rules' fields inline) is read by {@link StateFormatV1}.
   */
  static final byte FORMAT_V2 = 2;

  /**
   * One record where there were two: {@link EnrollmentState} with its {@link StudentCourse}
   * signals after it (before: a record of their own in {@link FormerRosterLayout#SIGNALS}), and
   * {@link StudentState} with the fingerprints of the student's recent event ids after it (before:
   * a record of their own in {@link RiskProcessor#EVENT_IDS}). A record read in format 1 or 2 has
   * no such part yet; it moves in from its former store on first use ({@link Roster#signals},
   * {@code RiskProcessor}'s duplicate check) and the record is written in format 2 until then, so
   * that a restore still finds it there.
   */
  static final byte FORMAT_V3 = 3;

  /**
   * {@link EnrollmentState} in format 3 without the ring of submissions per week that formats 1 to
   * 3 carried after its activity ring: no rule read it, and it cost about 56 bytes of heap per
   * student-course. Readers of the earlier formats pass over it.
   */
  static final byte FORMAT_V4 = 4;

  /**
   * {@link EnrollmentState} in format 4 and, after its signals, the count of assignments handed in
   * as the class was ranked at the latest course day's end ({@link StudentCourse#ranked}), which a
   * grade between course days is scored with. An enrolment read in an earlier format has none
   * until its next course day: a grade before then waits for that day's ranking.
   */
  static final byte FORMAT_V5 = 5;

  private StateSerdes() {}

  static final Serde<String> STRING =
      new Serde<>() {
        @Override
        public byte[] serialize(String value) {
          return value.getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public String deserialize(byte[] bytes) {
          return new String(bytes, StandardCharsets.UTF_8);
        }
      };

  static final Serde<byte[]> BYTES =
      new Serde<>() {
        @Override
        public byte[] serialize(byte[] value) {
          return value;
        }

        @Override
        public byte[] deserialize(byte[] bytes) {
          return bytes;
        }
      };

  static final Serde<Long> LONG =
      new Serde<>() {
        @Override
        public byte[] serialize(Long value) {
          Out o = new Out();
          o.varlong(value);
          return o.bytes();
        }

        @Override
        public Long deserialize(byte[] bytes) {
          return new In(bytes).varlong();
        }
      };

  static Serde<StudentState> student(int weeksKept) {
    return new Serde<>() {
      @Override
      public byte[] serialize(StudentState s) {
        Out o = new Out();
        // Ids not taken over yet are still in their former store: the state stays format 2.
        o.format(s.recentIds == null ? FORMAT_V2 : FORMAT_V3);
        o.varlong(s.lastLoginMs);
        o.varlong(s.loginDay);
        o.varlong(s.dayLogins);
        o.weekly(s.weeklyLogins);
        o.varlong(s.courses.length);
        for (String c : s.courses) {
          o.string(c);
        }
        o.varlong(s.activeEnrollments);
        o.varlong(s.openAlerts);
        o.base(studentBase(s.lastLoginMs));
        o.slots(s);
        if (s.recentIds != null) {
          int[] ids = s.recentIds.oldestFirst();
          o.varlong(ids.length);
          for (int f : ids) {
            o.int32(f);
          }
        }
        return o.bytes();
      }

      @Override
      public StudentState deserialize(byte[] bytes) {
        byte format = StateCodec.format(bytes);
        if (format == FORMAT_V1) {
          return StateFormatV1.student(bytes, weeksKept);
        }
        In in = new In(bytes, format == FORMAT_V2 ? FORMAT_V2 : FORMAT_V3);
        long lastLogin = in.varlong();
        int day = (int) in.varlong();
        int dayLogins = (int) in.varlong();
        StudentState s = new StudentState(in.weekly(weeksKept));
        s.lastLoginMs = lastLogin;
        s.loginDay = day;
        s.dayLogins = dayLogins;
        String[] courses = new String[(int) in.varlong()];
        for (int i = 0; i < courses.length; i++) {
          courses[i] = StudentState.canonicalCourse(in.string());
        }
        s.courses = courses;
        s.activeEnrollments = (int) in.varlong();
        s.openAlerts = (int) in.varlong();
        in.base(studentBase(lastLogin));
        in.slots(s);
        if (format == FORMAT_V3) {
          int[] ids = new int[(int) in.varlong()];
          for (int i = 0; i < ids.length; i++) {
            ids[i] = in.int32();
          }
          s.recentIds = RecentEventIds.of(ids);
        }
        return s;
      }
    };
  }

  /** Times in a student's rule states relative to the last login: near it, short varints. */
  private static long studentBase(long lastLoginMs) {
    return lastLoginMs == StudentState.NONE ? 0 : lastLoginMs;
  }

  static Serde<EnrollmentState> enrollment(int weeksKept) {
    return new Serde<>() {
      @Override
      public byte[] serialize(EnrollmentState e) {
        Out o = new Out();
        // Signals not taken over yet are still in the old store: the enrolment stays format 2.
        boolean former = e.signals == null;
        o.format(former ? FORMAT_V2 : FORMAT_V5);
        o.varlong(e.activeFrom);
        // Times relative to activeFrom: small numbers, short varints.
        o.base(e.activeFrom);
        o.varlong(e.courseEnd - e.activeFrom);
        o.time(e.droppedAt);
        o.time(e.lastSubmissionMs);
        o.time(e.lastActivityMs);
        o.varlong(e.submittedByDue);
        o.varlong(e.submittedByGrace);
        o.weekly(e.activity);
        if (former) {
          o.emptyWeekly(); // where format 2 had the submissions per week
        }
        o.slots(e);
        if (!former) {
          writeSignals(o, e.signals);
          writeRanked(o, e.signals, Weeks.dayIndex(e.activeFrom));
        }
        return o.bytes();
      }

      @Override
      public EnrollmentState deserialize(byte[] bytes) {
        byte format = StateCodec.format(bytes);
        if (format == FORMAT_V1) {
          return StateFormatV1.enrollment(bytes, weeksKept);
        }
        In in =
            new In(
                bytes,
                format == FORMAT_V2 || format == FORMAT_V3 || format == FORMAT_V4
                    ? format
                    : FORMAT_V5);
        long from = in.varlong();
        in.base(from);
        long end = from + in.varlong();
        long dropped = in.time();
        long lastSub = in.time();
        long lastAct = in.time();
        long byDue = in.varlong();
        long byGrace = in.varlong();
        WeeklyCounts activity = in.weekly(weeksKept);
        if (format == FORMAT_V2 || format == FORMAT_V3) {
          in.skipWeekly(); // submissions per week: no rule read them
        }
        EnrollmentState e = new EnrollmentState(activity);
        e.activeFrom = from;
        e.courseEnd = end;
        e.droppedAt = dropped;
        e.lastSubmissionMs = lastSub;
        e.lastActivityMs = lastAct;
        e.submittedByDue = byDue;
        e.submittedByGrace = byGrace;
        in.slots(e);
        if (format != FORMAT_V2) {
          e.signals = readSignals(in);
        }
        if (format == FORMAT_V5) {
          readRanked(in, e.signals, Weeks.dayIndex(from));
        }
        return e;
      }
    };
  }

  static final Serde<CourseAssignments> COURSE =
      new Serde<>() {
        @Override
        public byte[] serialize(CourseAssignments c) {
          Out o = new Out();
          o.format(FORMAT_V1);
          o.varlong(c.size());
          for (int i = 0; i < c.size(); i++) {
            o.string(c.id(i));
            o.varlong(c.due(i));
          }
          return o.bytes();
        }

        @Override
        public CourseAssignments deserialize(byte[] bytes) {
          In in = new In(bytes, FORMAT_V1);
          int n = (int) in.varlong();
          String[] ids = new String[n];
          long[] due = new long[n];
          for (int i = 0; i < n; i++) {
            ids[i] = in.string();
            due[i] = in.varlong();
          }
          return new CourseAssignments(ids, due);
        }
      };

  /**
   * {@link StudentCourse} records of format 1 and 2, as the store {@link
   * FormerRosterLayout#SIGNALS} held them before the signals moved into the enrolment; format 2
   * is also what an enrolment of format 3 carries after its own fields.
   */
  static final Serde<StudentCourse> STUDENT_COURSE =
      new Serde<>() {
        @Override
        public byte[] serialize(StudentCourse s) {
          Out o = new Out();
          o.format(FORMAT_V2);
          writeSignals(o, s);
          return o.bytes();
        }

        @Override
        public StudentCourse deserialize(byte[] bytes) {
          if (StateCodec.format(bytes) == FORMAT_V1) {
            return StateFormatV1.studentCourse(bytes);
          }
          return readSignals(new In(bytes, FORMAT_V2));
        }
      };

  /** The signals, then the rule states. */
  private static void writeSignals(Out o, StudentCourse s) {
    o.varlong(s.ringDay);
    for (short c : s.clicks) {
      o.varlong(c);
    }
    o.varlong(s.lastActiveDay == StudentCourse.NO_DAY ? 0 : s.ringDay - s.lastActiveDay + 1);
    o.varlong(s.judgedBits);
    o.varlong(s.submittedBits);
    o.varlong(s.onTime);
    o.varlong(s.late);
    o.varlong(s.missed);
    o.varlong(s.grades.length);
    for (short g : s.grades) {
      o.varlong(g);
    }
    o.varlong(s.lastScoreE4);
    o.varlong(scoreDayOffset(s));
    o.base(studentCourseBase(s.ringDay));
    o.slots(s);
  }

  /** The count ranked at the latest course day: its day relative to the enrolment's, 0 for none. */
  private static void writeRanked(Out o, StudentCourse s, int firstDay) {
    if (s.rankedDay == StudentCourse.NO_DAY) {
      o.varlong(0);
      return;
    }
    o.varlong(1);
    o.varlong(s.rankedDay - firstDay);
    o.varlong(s.rankedSubmitted);
  }

  private static void readRanked(In in, StudentCourse s, int firstDay) {
    if (in.varlong() == 0) {
      return;
    }
    int day = firstDay + (int) in.varlong();
    s.ranked(day, (int) in.varlong());
  }

  private static StudentCourse readSignals(In in) {
    StudentCourse s = new StudentCourse();
    s.ringDay = (int) in.varlong();
    for (int i = 0; i < s.clicks.length; i++) {
      s.clicks[i] = (short) in.varlong();
    }
    int lastActive = (int) in.varlong();
    s.lastActiveDay = lastActive == 0 ? StudentCourse.NO_DAY : s.ringDay - lastActive + 1;
    s.judgedBits = in.varlong();
    s.submittedBits = in.varlong();
    s.onTime = (int) in.varlong();
    s.late = (int) in.varlong();
    s.missed = (int) in.varlong();
    short[] grades = new short[(int) in.varlong()];
    for (int i = 0; i < grades.length; i++) {
      grades[i] = (short) in.varlong();
    }
    s.grades = grades;
    s.lastScoreE4 = (int) in.varlong();
    long scoreDay = in.varlong();
    s.lastScoreDay =
        scoreDay == 0
            ? StudentCourse.NO_DAY
            : scoreDay == SCORE_DAY_AFTER_RING ? s.ringDay + 1 : s.ringDay - (int) scoreDay + 1;
    in.base(studentCourseBase(s.ringDay));
    in.slots(s);
    return s;
  }

  /**
   * The score day is written as {@code ringDay - day + 1}, 0 meaning none; a student scored the
   * day after their last activity would also give 0, so that day gets a value no int offset
   * takes (format 2 readers before it read that day as none: the field informs, decides nothing).
   */
  private static final long SCORE_DAY_AFTER_RING = 1L << 32;

  private static long scoreDayOffset(StudentCourse s) {
    if (s.lastScoreDay == StudentCourse.NO_DAY) {
      return 0;
    }
    int offset = s.ringDay - s.lastScoreDay + 1;
    return offset == 0 ? SCORE_DAY_AFTER_RING : offset;
  }

  /** Times in a student-course's rule states relative to its latest activity day. */
  private static long studentCourseBase(int ringDay) {
    return ringDay == StudentCourse.NO_DAY ? 0 : ringDay * Weeks.DAY_MS;
  }

  static final Serde<CourseCohort> COHORT =
      new Serde<>() {
        @Override
        public byte[] serialize(CourseCohort c) {
          Out o = new Out();
          o.format(FORMAT_V1);
          o.varlong(c.courseStart);
          o.varlong(c.courseEnd - c.courseStart);
          o.varlong(c.ringDay);
          o.varlong(c.active.length);
          for (int a : c.active) {
            o.varlong(a);
          }
          return o.bytes();
        }

        @Override
        public CourseCohort deserialize(byte[] bytes) {
          In in = new In(bytes, FORMAT_V1);
          long start = in.varlong();
          long end = start + in.varlong();
          int ringDay = (int) in.varlong();
          int n = (int) in.varlong();
          int[] active = new int[StudentCourse.DAYS];
          for (int i = 0; i < n; i++) {
            long v = in.varlong();
            if (i < active.length) {
              active[i] = (int) v;
            }
          }
          CourseCohort c = new CourseCohort(start, end, active);
          c.ringDay = ringDay;
          return c;
        }
      };

  /**
   * The class as ranked at the end of a course's latest day ({@link CohortDay}, store {@link
   * CourseSignals#CLASS_DAYS}): its day, the count of its open RISK_SCORE alerts, and its sorted
   * figures as deltas (a few bytes per member). A checkpoint from before the store existed has
   * none: a grade waits for the course's next day.
   */
  static final Serde<CohortDay> CLASS_DAY =
      new Serde<>() {
        @Override
        public byte[] serialize(CohortDay d) {
          Out o = new Out();
          o.format(FORMAT_V1);
          o.varlong(d.at);
          o.varlong(d.lastDay);
          o.varlong(d.courseDay);
          o.varlong(d.scoreAlertsOpen);
          o.varlong(d.size());
          for (int[] sorted : d.sortedFigures()) {
            int previous = 0;
            for (int v : sorted) {
              o.varlong(v - previous);
              previous = v;
            }
          }
          return o.bytes();
        }

        @Override
        public CohortDay deserialize(byte[] bytes) {
          In in = new In(bytes, FORMAT_V1);
          long at = in.varlong();
          int lastDay = (int) in.varlong();
          int courseDay = (int) in.varlong();
          int open = (int) in.varlong();
          int size = (int) in.varlong();
          int[][] sorted = new int[5][size];
          for (int[] values : sorted) {
            int previous = 0;
            for (int i = 0; i < size; i++) {
              previous += (int) in.varlong();
              values[i] = previous;
            }
          }
          CohortDay d =
              new CohortDay(
                  at, lastDay, courseDay, sorted[0], sorted[1], sorted[2], sorted[3], sorted[4]);
          d.scoreAlertsOpen = open;
          return d;
        }
      };

  static final Serde<AssignmentGrades> GRADES =
      new Serde<>() {
        @Override
        public byte[] serialize(AssignmentGrades g) {
          Out o = new Out();
          o.format(FORMAT_V1);
          o.varlong(Double.doubleToLongBits(g.pointsPossible));
          o.varlong(g.sorted.length);
          for (short s : g.sorted) {
            o.varlong(s);
          }
          return o.bytes();
        }

        @Override
        public AssignmentGrades deserialize(byte[] bytes) {
          In in = new In(bytes, FORMAT_V1);
          double points = Double.longBitsToDouble(in.varlong());
          short[] sorted = new short[(int) in.varlong()];
          for (int i = 0; i < sorted.length; i++) {
            sorted[i] = (short) in.varlong();
          }
          return new AssignmentGrades(points, sorted);
        }
      };
}
