package coursepulse.lms.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.Instant;

/**
 * The fast path of {@link EventCodec#decode}: one pass of Jackson's streaming parser straight into
 * the event record, without a tree and without data binding.
 *
 * <p>It accepts only the canonical shape the schema describes (an object whose known fields carry
 * a value of their own JSON type, each once, and instants written as {@code
 * yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z}) and returns {@code null} for anything else: absent or
 * mistyped fields, values Jackson would coerce (a number for a string, an epoch number for an
 * instant), duplicates, unknown types, syntax errors. The caller then runs the data-binding path,
 * which decides exactly as before, so accepted events are identical and every refusal keeps its
 * reason and message; only well-formed events are fast.
 */
final class StreamingEventDecoder {

  // Bits of the fields seen, so a duplicate or a missing field sends the event to the slow path.
  private static final int EVENT_ID = 1;
  private static final int SCHEMA_VERSION = 1 << 1;
  private static final int OCCURRED_AT = 1 << 2;
  private static final int STUDENT_ID = 1 << 3;
  private static final int COURSE_ID = 1 << 4;
  private static final int ROLE = 1 << 5;
  private static final int NAME = 1 << 6;
  private static final int EMAIL = 1 << 7;
  private static final int COURSE_START = 1 << 8;
  private static final int COURSE_END = 1 << 9;
  private static final int REASON = 1 << 10;
  private static final int DEVICE = 1 << 11;
  private static final int USER_AGENT = 1 << 12;
  private static final int ASSIGNMENT_ID = 1 << 13;
  private static final int DUE_AT = 1 << 14;
  private static final int POINTS_POSSIBLE = 1 << 15;
  private static final int LATE = 1 << 16;
  private static final int ASSET_KIND = 1 << 17;
  private static final int TYPE = 1 << 18;
  // Optional fields: never part of a NEEDS_ mask (absent means null).
  private static final int SCORE = 1 << 19;
  private static final int ASSET_ID = 1 << 20;
  private static final int CLICKS = 1 << 21;
  private static final int KIND = 1 << 22;
  private static final int WEIGHT = 1 << 23;

  private static final int COMMON = EVENT_ID | SCHEMA_VERSION | OCCURRED_AT;
  private static final int NEEDS_ENROLLMENT_CREATED =
      COMMON | STUDENT_ID | COURSE_ID | ROLE | NAME | EMAIL | COURSE_START | COURSE_END;
  private static final int NEEDS_ENROLLMENT_DROPPED = COMMON | STUDENT_ID | COURSE_ID | REASON;
  private static final int NEEDS_LOGGED_IN = COMMON | STUDENT_ID | DEVICE | USER_AGENT;
  private static final int NEEDS_LOGGED_OUT = COMMON | STUDENT_ID;
  private static final int NEEDS_ASSIGNMENT_CREATED =
      COMMON | COURSE_ID | ASSIGNMENT_ID | DUE_AT | POINTS_POSSIBLE;
  private static final int NEEDS_SUBMISSION_CREATED =
      COMMON | STUDENT_ID | COURSE_ID | ASSIGNMENT_ID | LATE;
  private static final int NEEDS_ASSET_ACCESSED = COMMON | STUDENT_ID | COURSE_ID | ASSET_KIND;

  private final JsonFactory factory;

  StreamingEventDecoder(JsonFactory factory) {
    this.factory = factory;
  }

  /** The event, or {@code null} when the bytes are not in canonical form (not necessarily bad). */
  LmsEvent decode(byte[] bytes) {
    try (JsonParser p = factory.createParser(bytes)) {
      return read(p);
    } catch (IOException | RuntimeException e) {
      return null; // the slow path reports it
    }
  }

  private static LmsEvent read(JsonParser p) throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    int seen = 0;
    String type = null;
    String eventId = null;
    Instant occurredAt = null;
    String studentId = null;
    String courseId = null;
    String role = null;
    String name = null;
    String email = null;
    Instant courseStart = null;
    Instant courseEnd = null;
    String reason = null;
    String device = null;
    String userAgent = null;
    String assignmentId = null;
    Instant dueAt = null;
    double pointsPossible = 0;
    boolean late = false;
    String assetKind = null;
    Double score = null;
    String assetId = null;
    Integer clicks = null;
    String kind = null;
    Double weight = null;
    String field;
    while ((field = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      int bit = bit(field);
      if (bit == 0) {
        // Unknown fields are ignored, as the data-binding path does.
        p.skipChildren();
        continue;
      }
      if ((seen & bit) != 0) {
        return null;
      }
      seen |= bit;
      switch (bit) {
        case SCHEMA_VERSION:
          if (t != JsonToken.VALUE_NUMBER_INT
              || p.getNumberType() != JsonParser.NumberType.INT
              || p.getIntValue() != LmsEvent.SCHEMA_VERSION) {
            return null;
          }
          break;
        case POINTS_POSSIBLE:
          if (t == JsonToken.VALUE_NUMBER_FLOAT
              || (t == JsonToken.VALUE_NUMBER_INT
                  && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER)) {
            pointsPossible = p.getDoubleValue();
          } else {
            return null;
          }
          break;
        case SCORE:
        case WEIGHT:
          Double number;
          if (t == JsonToken.VALUE_NULL) {
            number = null;
          } else if (t == JsonToken.VALUE_NUMBER_FLOAT
              || (t == JsonToken.VALUE_NUMBER_INT
                  && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER)) {
            number = p.getDoubleValue();
          } else {
            return null;
          }
          if (bit == SCORE) {
            score = number;
          } else {
            weight = number;
          }
          break;
        case CLICKS:
          if (t == JsonToken.VALUE_NULL) {
            clicks = null;
          } else if (t == JsonToken.VALUE_NUMBER_INT
              && p.getNumberType() == JsonParser.NumberType.INT) {
            clicks = p.getIntValue();
          } else {
            return null;
          }
          break;
        case LATE:
          if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            late = t == JsonToken.VALUE_TRUE;
          } else {
            return null;
          }
          break;
        case OCCURRED_AT:
        case COURSE_START:
        case COURSE_END:
        case DUE_AT:
          Instant instant = null;
          if (t == JsonToken.VALUE_STRING) {
            instant = parseInstant(p.getText());
            if (instant == null) {
              return null;
            }
          } else if (t != JsonToken.VALUE_NULL) {
            return null;
          }
          if (bit == OCCURRED_AT) {
            occurredAt = instant;
          } else if (bit == COURSE_START) {
            courseStart = instant;
          } else if (bit == COURSE_END) {
            courseEnd = instant;
          } else {
            dueAt = instant;
          }
          break;
        default:
          String s;
          if (t == JsonToken.VALUE_STRING) {
            s = p.getText();
          } else if (t == JsonToken.VALUE_NULL && bit != TYPE) {
            s = null;
          } else {
            return null;
          }
          switch (bit) {
            case TYPE:
              type = s;
              break;
            case EVENT_ID:
              eventId = s;
              break;
            case STUDENT_ID:
              studentId = s;
              break;
            case COURSE_ID:
              courseId = s;
              break;
            case ROLE:
              role = s;
              break;
            case NAME:
              name = s;
              break;
            case EMAIL:
              email = s;
              break;
            case REASON:
              reason = s;
              break;
            case DEVICE:
              device = s;
              break;
            case USER_AGENT:
              userAgent = s;
              break;
            case ASSIGNMENT_ID:
              assignmentId = s;
              break;
            case ASSET_ID:
              assetId = s;
              break;
            case KIND:
              kind = s;
              break;
            default:
              assetKind = s;
          }
      }
    }
    if (type == null) {
      return null;
    }
    int v = LmsEvent.SCHEMA_VERSION;
    switch (type) {
      case AssetAccessed.TYPE:
        return has(seen, NEEDS_ASSET_ACCESSED)
            ? new AssetAccessed(
                eventId, v, occurredAt, studentId, courseId, assetKind, assetId, clicks)
            : null;
      case LoggedIn.TYPE:
        return has(seen, NEEDS_LOGGED_IN)
            ? new LoggedIn(eventId, v, occurredAt, studentId, device, userAgent)
            : null;
      case LoggedOut.TYPE:
        return has(seen, NEEDS_LOGGED_OUT) ? new LoggedOut(eventId, v, occurredAt, studentId) : null;
      case SubmissionCreated.TYPE:
        return has(seen, NEEDS_SUBMISSION_CREATED)
            ? new SubmissionCreated(
                eventId, v, occurredAt, studentId, courseId, assignmentId, late, score)
            : null;
      case AssignmentCreated.TYPE:
        return has(seen, NEEDS_ASSIGNMENT_CREATED)
            ? new AssignmentCreated(
                eventId, v, occurredAt, courseId, assignmentId, dueAt, pointsPossible, kind, weight)
            : null;
      case EnrollmentCreated.TYPE:
        return has(seen, NEEDS_ENROLLMENT_CREATED)
            ? new EnrollmentCreated(
                eventId, v, occurredAt, studentId, courseId, role, name, email, courseStart,
                courseEnd)
            : null;
      case EnrollmentDropped.TYPE:
        return has(seen, NEEDS_ENROLLMENT_DROPPED)
            ? new EnrollmentDropped(eventId, v, occurredAt, studentId, courseId, reason)
            : null;
      default:
        return null;
    }
  }

  private static boolean has(int seen, int needed) {
    return (seen & needed) == needed;
  }

  private static int bit(String field) {
    switch (field) {
      case "type":
        return TYPE;
      case "eventId":
        return EVENT_ID;
      case "schemaVersion":
        return SCHEMA_VERSION;
      case "occurredAt":
        return OCCURRED_AT;
      case "studentId":
        return STUDENT_ID;
      case "courseId":
        return COURSE_ID;
      case "role":
        return ROLE;
      case "name":
        return NAME;
      case "email":
        return EMAIL;
      case "courseStart":
        return COURSE_START;
      case "courseEnd":
        return COURSE_END;
      case "reason":
        return REASON;
      case "device":
        return DEVICE;
      case "userAgent":
        return USER_AGENT;
      case "assignmentId":
        return ASSIGNMENT_ID;
      case "dueAt":
        return DUE_AT;
      case "pointsPossible":
        return POINTS_POSSIBLE;
      case "late":
        return LATE;
      case "assetKind":
        return ASSET_KIND;
      case "score":
        return SCORE;
      case "assetId":
        return ASSET_ID;
      case "clicks":
        return CLICKS;
      case "kind":
        return KIND;
      case "weight":
        return WEIGHT;
      default:
        return 0;
    }
  }

  /**
   * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with a valid date and time, else {@code null}. On these
   * strings {@link java.time.format.DateTimeFormatter#ISO_INSTANT} (which the data-binding path
   * uses) gives the same instant; everything else, leap seconds included, goes to that path.
   */
  static Instant parseInstant(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || n == 21 || s.charAt(n - 1) != 'Z'
        || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T'
        || s.charAt(13) != ':' || s.charAt(16) != ':') {
      return null;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 7);
    int day = digits(s, 8, 10);
    int hour = digits(s, 11, 13);
    int minute = digits(s, 14, 16);
    int second = digits(s, 17, 19);
    if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23
        || minute < 0 || minute > 59 || second < 0 || second > 59
        || day > lengthOfMonth(year, month)) {
      return null;
    }
    int nanos = 0;
    if (n > 20) {
      if (s.charAt(19) != '.') {
        return null;
      }
      int f = digits(s, 20, n - 1);
      if (f < 0) {
        return null;
      }
      nanos = f;
      for (int i = n - 1 - 20; i < 9; i++) {
        nanos *= 10;
      }
    } else if (s.charAt(19) != 'Z') {
      return null;
    }
    long epochDay = epochDay(year, month, day);
    return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
  }

  /** The decimal value of {@code s[from, to)}, or -1 when a character is not a digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      int d = s.charAt(i) - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static int lengthOfMonth(int year, int month) {
    switch (month) {
      case 2:
        return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (the algorithm of LocalDate.toEpochDay). */
  private static long epochDay(long y, int m, int d) {
    long total = 365 * y;
    if (y >= 0) {
      total += (y + 3) / 4 - (y + 99) / 100 + (y + 399) / 400;
    } else {
      total -= y / -4 - y / -100 + y / -400;
    }
    total += (367 * m - 362) / 12;
    total += d - 1;
    if (m > 2) {
      total--;
      if (!(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
        total--;
      }
    }
    return total - 719_528L;
  }
}
