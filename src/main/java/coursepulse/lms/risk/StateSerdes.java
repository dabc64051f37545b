package coursepulse.lms.risk;

import coursepulse.engine.Serde;
import java.nio.charset.StandardCharsets;

/**
 * Deterministic compact binary serdes for the risk stores, used by the engine's checkpoints: a
 * format byte, then zig-zag varints (times as deltas where they cluster), so a typical enrolment
 * checkpoints in about 40 bytes. Equal states give equal bytes.
 */
final class StateSerdes {
  private static final byte FORMAT_V1 = 1;

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
          return new In(bytes, 0).varlong();
        }
      };

  static Serde<StudentState> student(int weeksKept) {
    return new Serde<>() {
      @Override
      public byte[] serialize(StudentState s) {
        Out o = new Out();
        o.format();
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
        o.varlong(s.loginTimerAt);
        o.varlong(s.loginOpenedAt);
        o.varlong(s.loginResolvedAt);
        o.varlong(s.loginSeverity);
        o.varlong(s.dropOpenedAt);
        o.varlong(s.dropResolvedAt);
        o.varlong(s.dropSeverity);
        o.varlong(s.dropBaselineX100);
        return o.bytes();
      }

      @Override
      public StudentState deserialize(byte[] bytes) {
        In in = new In(bytes, 1);
        in.checkFormat(bytes);
        long lastLogin = in.varlong();
        int day = (int) in.varlong();
        int dayLogins = (int) in.varlong();
        StudentState s = new StudentState(in.weekly(weeksKept));
        s.lastLoginMs = lastLogin;
        s.loginDay = day;
        s.dayLogins = dayLogins;
        String[] courses = new String[(int) in.varlong()];
        for (int i = 0; i < courses.length; i++) {
          courses[i] = in.string();
        }
        s.courses = courses;
        s.activeEnrollments = (int) in.varlong();
        s.openAlerts = (int) in.varlong();
        s.loginTimerAt = in.varlong();
        s.loginOpenedAt = in.varlong();
        s.loginResolvedAt = in.varlong();
        s.loginSeverity = (byte) in.varlong();
        s.dropOpenedAt = in.varlong();
        s.dropResolvedAt = in.varlong();
        s.dropSeverity = (byte) in.varlong();
        s.dropBaselineX100 = (int) in.varlong();
        return s;
      }
    };
  }

  static Serde<EnrollmentState> enrollment(int weeksKept) {
    return new Serde<>() {
      @Override
      public byte[] serialize(EnrollmentState e) {
        Out o = new Out();
        o.format();
        o.varlong(e.activeFrom);
        // Times relative to activeFrom: small numbers, short varints.
        o.varlong(e.courseEnd - e.activeFrom);
        o.rel(e.droppedAt, e.activeFrom);
        o.rel(e.lastSubmissionMs, e.activeFrom);
        o.rel(e.lastActivityMs, e.activeFrom);
        o.varlong(e.submittedByDue);
        o.varlong(e.submittedByGrace);
        o.varlong(e.consecutiveMissed);
        o.weekly(e.activity);
        o.weekly(e.submissions);
        o.rel(e.noSubOpenedAt, e.activeFrom);
        o.rel(e.noSubResolvedAt, e.activeFrom);
        o.rel(e.missedOpenedAt, e.activeFrom);
        o.rel(e.missedResolvedAt, e.activeFrom);
        o.rel(e.dropOpenedAt, e.activeFrom);
        o.rel(e.dropResolvedAt, e.activeFrom);
        o.varlong(e.noSubSeverity);
        o.varlong(e.missedSeverity);
        o.varlong(e.dropSeverity);
        o.varlong(e.dropBaselineX100);
        return o.bytes();
      }

      @Override
      public EnrollmentState deserialize(byte[] bytes) {
        In in = new In(bytes, 1);
        in.checkFormat(bytes);
        long from = in.varlong();
        long end = from + in.varlong();
        long dropped = in.rel(from);
        long lastSub = in.rel(from);
        long lastAct = in.rel(from);
        long byDue = in.varlong();
        long byGrace = in.varlong();
        int missed = (int) in.varlong();
        WeeklyCounts activity = in.weekly(weeksKept);
        WeeklyCounts subs = in.weekly(weeksKept);
        EnrollmentState e = new EnrollmentState(activity, subs);
        e.activeFrom = from;
        e.courseEnd = end;
        e.droppedAt = dropped;
        e.lastSubmissionMs = lastSub;
        e.lastActivityMs = lastAct;
        e.submittedByDue = byDue;
        e.submittedByGrace = byGrace;
        e.consecutiveMissed = missed;
        e.noSubOpenedAt = in.rel(from);
        e.noSubResolvedAt = in.rel(from);
        e.missedOpenedAt = in.rel(from);
        e.missedResolvedAt = in.rel(from);
        e.dropOpenedAt = in.rel(from);
        e.dropResolvedAt = in.rel(from);
        e.noSubSeverity = (byte) in.varlong();
        e.missedSeverity = (byte) in.varlong();
        e.dropSeverity = (byte) in.varlong();
        e.dropBaselineX100 = (int) in.varlong();
        return e;
      }
    };
  }

  static final Serde<CourseAssignments> COURSE =
      new Serde<>() {
        @Override
        public byte[] serialize(CourseAssignments c) {
          Out o = new Out();
          o.format();
          o.varlong(c.size());
          for (int i = 0; i < c.size(); i++) {
            o.string(c.id(i));
            o.varlong(c.due(i));
          }
          return o.bytes();
        }

        @Override
        public CourseAssignments deserialize(byte[] bytes) {
          In in = new In(bytes, 1);
          in.checkFormat(bytes);
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

  /** Format 1 of {@link StudentCourse}; slot arrays carry their length so new rules extend them. */
  static final Serde<StudentCourse> STUDENT_COURSE =
      new Serde<>() {
        @Override
        public byte[] serialize(StudentCourse s) {
          Out o = new Out();
          o.format();
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
          o.varlong(s.opened.length);
          for (int i = 0; i < s.opened.length; i++) {
            o.varlong(s.opened[i]);
            o.varlong(s.resolved[i]);
            o.varlong(s.severity[i]);
          }
          o.varlong(s.lastScoreE4);
          o.varlong(s.lastScoreDay == StudentCourse.NO_DAY ? 0 : s.ringDay - s.lastScoreDay + 1);
          return o.bytes();
        }

        @Override
        public StudentCourse deserialize(byte[] bytes) {
          In in = new In(bytes, 1);
          in.checkFormat(bytes);
          int ringDay = (int) in.varlong();
          short[] clicks = new short[StudentCourse.DAYS];
          for (int i = 0; i < clicks.length; i++) {
            clicks[i] = (short) in.varlong();
          }
          int lastActive = (int) in.varlong();
          long judged = in.varlong();
          long submitted = in.varlong();
          int onTime = (int) in.varlong();
          int late = (int) in.varlong();
          int missed = (int) in.varlong();
          short[] grades = new short[(int) in.varlong()];
          for (int i = 0; i < grades.length; i++) {
            grades[i] = (short) in.varlong();
          }
          int stored = (int) in.varlong();
          StudentCourse s = new StudentCourse(clicks, Math.max(stored, AlertBook.SLOTS));
          for (int i = 0; i < stored; i++) {
            s.opened[i] = in.varlong();
            s.resolved[i] = in.varlong();
            s.severity[i] = (byte) in.varlong();
          }
          s.ringDay = ringDay;
          s.lastActiveDay = lastActive == 0 ? StudentCourse.NO_DAY : ringDay - lastActive + 1;
          s.judgedBits = judged;
          s.submittedBits = submitted;
          s.onTime = onTime;
          s.late = late;
          s.missed = missed;
          s.grades = grades;
          s.lastScoreE4 = (int) in.varlong();
          int scoreDay = (int) in.varlong();
          s.lastScoreDay = scoreDay == 0 ? StudentCourse.NO_DAY : ringDay - scoreDay + 1;
          return s;
        }
      };

  static final Serde<CourseCohort> COHORT =
      new Serde<>() {
        @Override
        public byte[] serialize(CourseCohort c) {
          Out o = new Out();
          o.format();
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
          In in = new In(bytes, 1);
          in.checkFormat(bytes);
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

  static final Serde<AssignmentGrades> GRADES =
      new Serde<>() {
        @Override
        public byte[] serialize(AssignmentGrades g) {
          Out o = new Out();
          o.format();
          o.varlong(Double.doubleToLongBits(g.pointsPossible));
          o.varlong(g.sorted.length);
          for (short s : g.sorted) {
            o.varlong(s);
          }
          return o.bytes();
        }

        @Override
        public AssignmentGrades deserialize(byte[] bytes) {
          In in = new In(bytes, 1);
          in.checkFormat(bytes);
          double points = Double.longBitsToDouble(in.varlong());
          short[] sorted = new short[(int) in.varlong()];
          for (int i = 0; i < sorted.length; i++) {
            sorted[i] = (short) in.varlong();
          }
          return new AssignmentGrades(points, sorted);
        }
      };

  private static final class Out {
    // A plain array, not a ByteArrayOutputStream: its synchronized writes showed in profiles of
    // the per-event path (one state written back per event).
    private byte[] buf = new byte[64];
    private int size;

    private void write(int b) {
      if (size == buf.length) {
        buf = java.util.Arrays.copyOf(buf, size * 2);
      }
      buf[size++] = (byte) b;
    }

    void format() {
      write(FORMAT_V1);
    }

    void varlong(long v) {
      long z = (v << 1) ^ (v >> 63);
      while ((z & ~0x7FL) != 0) {
        write((int) ((z & 0x7F) | 0x80));
        z >>>= 7;
      }
      write((int) z);
    }

    /** A time relative to a base, with -1 (none) kept distinct. */
    void rel(long t, long base) {
      long d = t - base;
      varlong(t == -1 ? 0 : d >= 0 ? d + 1 : d);
    }

    void weekly(WeeklyCounts w) {
      varlong(w.latestWeek());
      short[] c = w.raw();
      varlong(c.length);
      for (short s : c) {
        varlong(s);
      }
    }

    void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      varlong(b.length);
      for (byte x : b) {
        write(x);
      }
    }

    byte[] bytes() {
      return java.util.Arrays.copyOf(buf, size);
    }
  }

  private static final class In {
    private final byte[] b;
    private int pos;

    In(byte[] b, int pos) {
      this.b = b;
      this.pos = pos;
    }

    void checkFormat(byte[] bytes) {
      if (bytes.length == 0 || bytes[0] != FORMAT_V1) {
        throw new IllegalArgumentException(
            "unknown risk state format " + (bytes.length == 0 ? "(empty)" : bytes[0]));
      }
    }

    long varlong() {
      long z = 0;
      int shift = 0;
      while (true) {
        if (pos >= b.length) {
          throw new IllegalArgumentException("truncated risk state");
        }
        int x = b[pos++];
        z |= (long) (x & 0x7F) << shift;
        if ((x & 0x80) == 0) {
          break;
        }
        shift += 7;
        if (shift > 63) {
          throw new IllegalArgumentException("malformed varint in risk state");
        }
      }
      return (z >>> 1) ^ -(z & 1);
    }

    long rel(long base) {
      long v = varlong();
      if (v == 0) {
        return -1;
      }
      return v > 0 ? base + v - 1 : base + v;
    }

    WeeklyCounts weekly(int weeksKept) {
      int week = (int) varlong();
      int n = (int) varlong();
      short[] stored = new short[n];
      for (int i = 0; i < n; i++) {
        stored[i] = (short) varlong();
      }
      // A configuration change of baselineWeeks keeps what fits.
      short[] c = new short[weeksKept + 1];
      System.arraycopy(stored, 0, c, 0, Math.min(n, c.length));
      return new WeeklyCounts(week, c);
    }

    String string() {
      int n = (int) varlong();
      String s = new String(b, pos, n, StandardCharsets.UTF_8);
      pos += n;
      return s;
    }
  }
}
