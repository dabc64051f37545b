package coursepulse.lms.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What ingest knows about courses that LMS events do not carry.
 *
 * <p>Course dates: an {@code enrollment_created} of schema v1 needs the course's start and end,
 * which neither Canvas enrolment events nor Caliper memberships include; they come from a dates
 * file ({@code courseId,start,end} per line) or a default term for courses not listed.
 *
 * <p>Assignment to course: Canvas {@code submission_created} events often carry no course context,
 * so the course is looked up from the {@code assignment_created} seen for the assignment (learned
 * while mapping and, on start, from the tail of {@code 03-Activity}). Thread-safe.
 */
public final class CourseCatalog {

  /**
   * Start (inclusive) and end (exclusive) of a course.
   *
   * @param start first instant of the course
   * @param end end of the course, after {@code start}
   */
  public record CourseDates(Instant start, Instant end) {
    public CourseDates {
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("course end " + end + " is not after its start " + start);
      }
    }

    /** Parses {@code START/END}, each an ISO date (00:00 UTC) or instant. */
    public static CourseDates parse(String text) {
      int slash = text.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException(
            "course dates '" + text + "' must be START/END, e.g. 2026-09-07/2026-12-21");
      }
      return new CourseDates(time(text.substring(0, slash)), time(text.substring(slash + 1)));
    }
  }

  private final Map<String, CourseDates> dates;
  private final CourseDates defaultDates;
  private final Map<String, String> courseOfAssignment = new ConcurrentHashMap<>();

  /**
   * @param dates dates per course id
   * @param defaultDates dates of courses not in {@code dates}; {@code null} refuses their enrolments
   */
  public CourseCatalog(Map<String, CourseDates> dates, CourseDates defaultDates) {
    this.dates = Map.copyOf(dates);
    this.defaultDates = defaultDates;
  }

  /** No course dates: every enrolment is refused with {@code unknown_course}. */
  public static CourseCatalog empty() {
    return new CourseCatalog(Map.of(), null);
  }

  /**
   * Reads a dates file: one {@code courseId,start,end} per line, dates as {@code 2026-09-07}
   * (00:00 UTC) or instants; blank lines and lines starting with {@code #} are skipped.
   *
   * @throws IllegalArgumentException naming the line that cannot be read
   */
  public static Map<String, CourseDates> readDates(Path file) throws IOException {
    Map<String, CourseDates> out = new HashMap<>();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(",", -1);
      try {
        if (parts.length != 3 || parts[0].isBlank()) {
          throw new IllegalArgumentException("expected courseId,start,end");
        }
        out.put(parts[0].strip(), new CourseDates(time(parts[1]), time(parts[2])));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            file + " line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    return out;
  }

  /** The dates of a course, the default term when it is not listed, or empty. */
  Optional<CourseDates> datesOf(String courseId) {
    CourseDates d = dates.get(courseId);
    return Optional.ofNullable(d != null ? d : defaultDates);
  }

  /** Remembers the course an assignment belongs to. */
  void assignmentIn(String assignmentId, String courseId) {
    courseOfAssignment.put(assignmentId, courseId);
  }

  /** The course of an assignment seen before, or null. */
  String courseOfAssignment(String assignmentId) {
    return courseOfAssignment.get(assignmentId);
  }

  private static Instant time(String text) {
    String s = text.strip();
    try {
      if (s.length() == 10) {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return java.time.OffsetDateTime.parse(s).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("'" + s + "' is neither a date nor an ISO-8601 instant");
    }
  }
}
