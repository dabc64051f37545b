package coursepulse.lms.simulator;

import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.LoggedOut;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.event.SubmissionCreated;
import coursepulse.lms.publish.PublishableEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.UUID;

/**
 * The current event of a {@link SimulationRun}: a reused view, valid until the next call to {@link
 * SimulationRun#next()}. Copy what you keep ({@link #toJson()}, {@link #toLmsEvent()}).
 *
 * <p>{@link #sequence()} is the event's 0-based position in its stream for this configuration,
 * used as the publishing id. {@link #eventId()} is a version-8 UUID made of the configuration
 * fingerprint, the stream and the sequence: unique, and the same in every run of the same
 * configuration.
 */
public final class SimEvent implements PublishableEvent {
  static final int ENROLLMENT_CREATED = 0;
  static final int ENROLLMENT_DROPPED = 1;
  static final int LOGGED_IN = 2;
  static final int LOGGED_OUT = 3;
  static final int ASSIGNMENT_CREATED = 4;
  static final int SUBMISSION_CREATED = 5;
  static final int ASSET_ACCESSED = 6;

  private static final String[] TYPES = {
    EnrollmentCreated.TYPE, EnrollmentDropped.TYPE, LoggedIn.TYPE, LoggedOut.TYPE,
    AssignmentCreated.TYPE, SubmissionCreated.TYPE, AssetAccessed.TYPE
  };
  private static final int[] STREAM_OF = {0, 0, 1, 1, 2, 2, 2};
  private static final String[] STREAMS = {
    StreamNames.ENROLLMENT, StreamNames.LOGIN, StreamNames.ACTIVITY
  };

  static final String[] DEVICES = {"desktop", "mobile", "tablet"};
  static final String[][] USER_AGENTS = {
    {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/128.0 Safari/537.36",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Version/17.6 Safari/605.1.15"
    },
    {
      "Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
          + " Gecko) Mobile/15E148",
      "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0"
          + " Mobile Safari/537.36"
    },
    {
      "Mozilla/5.0 (iPad; CPU OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
          + " Mobile/15E148",
      "Mozilla/5.0 (Linux; Android 14; Tablet) AppleWebKit/537.36 (KHTML, like Gecko)"
          + " Chrome/128.0 Safari/537.36"
    }
  };
  static final String[] ASSET_KINDS = {"page", "file", "video", "quiz", "discussion"};
  static final double POINTS_POSSIBLE = 100.0;
  static final String ROLE = "student";
  static final String DROP_REASON = "withdrawn";

  private static final byte[][] TYPE_PREFIX = new byte[TYPES.length][];
  private static final byte[][] DEVICE_JSON = new byte[3][];
  private static final byte[][][] AGENT_JSON = new byte[3][2][];
  private static final byte[][] ASSET_JSON = new byte[ASSET_KINDS.length][];
  private static final byte[] SCHEMA_AT =
      JsonOut.ascii("\",\"schemaVersion\":" + LmsEvent.SCHEMA_VERSION + ",\"occurredAt\":\"");
  private static final byte[] STUDENT = JsonOut.ascii("\",\"studentId\":\"s-");
  private static final byte[] COURSE = JsonOut.ascii("\",\"courseId\":\"c-");
  private static final byte[] ASSIGNMENT = JsonOut.ascii("\",\"assignmentId\":\"c-");
  private static final byte[] ASSIGNMENT_SUFFIX = JsonOut.ascii("-a");
  private static final byte[] DUE = JsonOut.ascii("\",\"dueAt\":\"");
  private static final byte[] POINTS =
      JsonOut.ascii("\",\"pointsPossible\":" + Double.toString(POINTS_POSSIBLE) + ",\"kind\":\"");
  private static final byte[] WEIGHT = JsonOut.ascii("\",\"weight\":");
  private static final byte[] LATE_TRUE = JsonOut.ascii("\",\"late\":true,\"score\":");
  private static final byte[] LATE_FALSE = JsonOut.ascii("\",\"late\":false,\"score\":");
  private static final byte[] POINT_ZERO = JsonOut.ascii(".0}");
  private static final byte[] END = JsonOut.ascii("\"}");
  private static final byte[] ROLE_NAME = JsonOut.ascii("\",\"role\":\"" + ROLE + "\",\"name\":\"");
  private static final byte[] EMAIL = JsonOut.ascii("\",\"email\":\"");
  private static final byte[] COURSE_START = JsonOut.ascii("\",\"courseStart\":\"");
  private static final byte[] COURSE_END = JsonOut.ascii("\",\"courseEnd\":\"");
  private static final byte[] REASON = JsonOut.ascii("\",\"reason\":\"" + DROP_REASON + "\"}");

  static {
    for (int t = 0; t < TYPES.length; t++) {
      TYPE_PREFIX[t] = JsonOut.ascii("{\"type\":\"" + TYPES[t] + "\",\"eventId\":\"");
    }
    for (int d = 0; d < 3; d++) {
      DEVICE_JSON[d] = JsonOut.ascii("\",\"device\":\"" + DEVICES[d] + "\",\"userAgent\":\"");
      for (int a = 0; a < 2; a++) {
        AGENT_JSON[d][a] = JsonOut.ascii(USER_AGENTS[d][a] + "\"}");
      }
    }
    for (int k = 0; k < ASSET_KINDS.length; k++) {
      ASSET_JSON[k] = JsonOut.ascii("\",\"assetKind\":\"" + ASSET_KINDS[k] + "\"}");
    }
  }

  private final Term term;
  private final Names names;
  private final long[] idHigh = new long[3];
  private final JsonOut out = new JsonOut();

  int type;
  long sequence;
  long epochSecond;
  /** Student index, or -1 for course events. */
  int student;
  int course;
  int assignment;
  int device;
  int agent;
  int assetKind;
  boolean late;
  /** Whole points out of {@link #POINTS_POSSIBLE}. */
  int score;
  long dueEpochSecond;

  SimEvent(Term term, Names names) {
    this.term = term;
    this.names = names;
    long fp = term.config.fingerprint();
    for (int s = 0; s < 3; s++) {
      idHigh[s] = (Rng.hash(fp, s) & ~0xF000L) | 0x8000L;
    }
  }

  /** The {@code type} of the event, e.g. {@code logged_in}. */
  public String type() {
    return TYPES[type];
  }

  /** The stream it belongs to. */
  public String stream() {
    return STREAMS[STREAM_OF[type]];
  }

  /** 0 for 01-Enrollment, 1 for 02-Login, 2 for 03-Activity. */
  @Override
  public int streamIndex() {
    return STREAM_OF[type];
  }

  /** 0-based position in its stream; the publishing id. */
  @Override
  public long sequence() {
    return sequence;
  }

  /** Event time in epoch seconds. */
  @Override
  public long epochSecond() {
    return epochSecond;
  }

  public Instant occurredAt() {
    return Instant.ofEpochSecond(epochSecond);
  }

  /** The student id, or null for course events. */
  @Override
  public String studentId() {
    return student < 0 ? null : studentId(student);
  }

  public String courseId() {
    return courseId(course);
  }

  public String eventId() {
    return new UUID(idHigh[streamIndex()], lsb()).toString();
  }

  private long lsb() {
    return (sequence & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
  }

  static String studentId(int index) {
    return String.format("s-%07d", index + 1);
  }

  static String courseId(int course) {
    return String.format("c-%03d", course + 1);
  }

  static String assignmentId(int course, int j) {
    return courseId(course) + String.format("-a%02d", j + 1);
  }

  /** The event as a schema record (allocates; the enrolment's name comes from datafaker). */
  public LmsEvent toLmsEvent() {
    String id = eventId();
    int v = LmsEvent.SCHEMA_VERSION;
    Instant at = occurredAt();
    switch (type) {
      case ENROLLMENT_CREATED:
        {
          String[] ne = names.of(student);
          return new EnrollmentCreated(
              id, v, at, studentId(), courseId(), ROLE, ne[0], ne[1],
              Instant.ofEpochSecond(term.startSecond + term.courses[course].startRel),
              Instant.ofEpochSecond(term.startSecond + term.courses[course].endRel));
        }
      case ENROLLMENT_DROPPED:
        return new EnrollmentDropped(id, v, at, studentId(), courseId(), DROP_REASON);
      case LOGGED_IN:
        return new LoggedIn(id, v, at, studentId(), DEVICES[device], USER_AGENTS[device][agent]);
      case LOGGED_OUT:
        return new LoggedOut(id, v, at, studentId());
      case ASSIGNMENT_CREATED:
        return new AssignmentCreated(
            id, v, at, courseId(), assignmentId(course, assignment),
            Instant.ofEpochSecond(dueEpochSecond), POINTS_POSSIBLE, term.courses[course].kind(),
            term.courses[course].weight);
      case SUBMISSION_CREATED:
        return new SubmissionCreated(
            id, v, at, studentId(), courseId(), assignmentId(course, assignment), late,
            (double) score);
      case ASSET_ACCESSED:
        return new AssetAccessed(id, v, at, studentId(), courseId(), ASSET_KINDS[assetKind]);
      default:
        throw new IllegalStateException("type " + type);
    }
  }

  /** The event's JSON, byte for byte what {@code EventCodec.encode(toLmsEvent())} gives. */
  @Override
  public byte[] toJson() {
    return encode().toArray();
  }

  /** Writes the JSON and a newline. */
  @Override
  public void writeLine(OutputStream stream) throws IOException {
    JsonOut o = encode();
    stream.write(o.bytes, 0, o.size);
    stream.write('\n');
  }

  /** Hand-written encoding; a test checks it against the codec for every type. */
  private JsonOut encode() {
    JsonOut o = out;
    o.reset();
    o.raw(TYPE_PREFIX[type]);
    uuid(o);
    o.raw(SCHEMA_AT).instant(epochSecond);
    switch (type) {
      case ENROLLMENT_CREATED:
        o.raw(STUDENT).padded(student + 1L, 7).raw(COURSE).padded(course + 1L, 3).raw(ROLE_NAME);
        names.draw(student);
        names.writeDrawn(o, EMAIL);
        o.raw(COURSE_START).instant(term.startSecond + term.courses[course].startRel);
        o.raw(COURSE_END).instant(term.startSecond + term.courses[course].endRel).raw(END);
        break;
      case ENROLLMENT_DROPPED:
        o.raw(STUDENT).padded(student + 1L, 7).raw(COURSE).padded(course + 1L, 3).raw(REASON);
        break;
      case LOGGED_IN:
        o.raw(STUDENT).padded(student + 1L, 7).raw(DEVICE_JSON[device]).raw(AGENT_JSON[device][agent]);
        break;
      case LOGGED_OUT:
        o.raw(STUDENT).padded(student + 1L, 7).raw(END);
        break;
      case ASSIGNMENT_CREATED:
        o.raw(COURSE).padded(course + 1L, 3);
        o.raw(ASSIGNMENT).padded(course + 1L, 3).raw(ASSIGNMENT_SUFFIX).padded(assignment + 1L, 2);
        o.raw(DUE).instant(dueEpochSecond).raw(POINTS).raw(JsonOut.ascii(term.courses[course].kind()));
        o.raw(WEIGHT).raw(JsonOut.ascii(Double.toString(term.courses[course].weight))).raw('}');
        break;
      case SUBMISSION_CREATED:
        o.raw(STUDENT).padded(student + 1L, 7).raw(COURSE).padded(course + 1L, 3);
        o.raw(ASSIGNMENT).padded(course + 1L, 3).raw(ASSIGNMENT_SUFFIX).padded(assignment + 1L, 2);
        o.raw(late ? LATE_TRUE : LATE_FALSE).padded(score, 1).raw(POINT_ZERO);
        break;
      case ASSET_ACCESSED:
        o.raw(STUDENT).padded(student + 1L, 7).raw(COURSE).padded(course + 1L, 3);
        o.raw(ASSET_JSON[assetKind]);
        break;
      default:
        throw new IllegalStateException("type " + type);
    }
    return o;
  }

  private void uuid(JsonOut o) {
    long hi = idHigh[streamIndex()];
    long lo = lsb();
    o.hex(hi >>> 32, 8).raw('-').hex(hi >>> 16, 4).raw('-').hex(hi, 4).raw('-');
    o.hex(lo >>> 48, 4).raw('-').hex(lo, 12);
  }
}
