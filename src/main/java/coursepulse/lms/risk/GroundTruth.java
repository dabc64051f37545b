package coursepulse.lms.risk;

import coursepulse.lms.outcome.Bom;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One row of the simulator's ground truth: what really happened to a student in a course.
 *
 * @param studentId the student
 * @param courseId the course
 * @param persona the simulated behaviour ({@code engaged}, {@code late_submitter}, {@code
 *     crammer}, {@code fading}, {@code ghost}, {@code returning}, {@code dropout})
 * @param disengagedAt when disengagement began, or {@code null} if never
 */
public record GroundTruth(String studentId, String courseId, String persona, Instant disengagedAt) {

  /** The header line the file must start with. */
  public static final String HEADER = "studentId,courseId,persona,disengagedAt";

  public GroundTruth {
    Objects.requireNonNull(studentId, "studentId");
    Objects.requireNonNull(courseId, "courseId");
    Objects.requireNonNull(persona, "persona");
  }

  /** Reads a ground-truth CSV file (UTF-8). */
  public static List<GroundTruth> read(Path file) throws IOException {
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(r);
    }
  }

  /**
   * Reads ground-truth CSV: the {@link #HEADER}, then one row per student and course; fields may
   * be double-quoted; an empty {@code disengagedAt} means never.
   *
   * @throws IllegalArgumentException naming the line of the first malformed row
   */
  public static List<GroundTruth> read(Reader reader) throws IOException {
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    String header = Bom.strip(in.readLine());
    if (header == null) {
      throw new IllegalArgumentException(
          "ground truth is empty: it must start with the header '"
              + HEADER
              + "' (write it with 'produce --ground-truth')");
    }
    if (!HEADER.equals(header.trim())) {
      throw new IllegalArgumentException(
          "ground truth must start with the header '" + HEADER + "', found '" + header + "'");
    }
    List<GroundTruth> rows = new ArrayList<>();
    // A pair twice would be scored twice: counted twice in recall and the engaged share.
    Map<String, Integer> lineOfPair = new HashMap<>();
    int lineNo = 1;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 4) {
        throw new IllegalArgumentException(
            "line " + lineNo + ": expected 4 fields, found " + f.length);
      }
      String student = field(f[0]);
      String course = field(f[1]);
      String persona = field(f[2]);
      String when = field(f[3]);
      if (student.isEmpty() || course.isEmpty() || persona.isEmpty()) {
        throw new IllegalArgumentException("line " + lineNo + ": empty studentId, courseId or persona");
      }
      Instant at;
      try {
        at = when.isEmpty() ? null : Instant.parse(when);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "line " + lineNo + ": disengagedAt '" + when + "' is not an ISO-8601 instant", e);
      }
      Integer first = lineOfPair.putIfAbsent(student + '\u0000' + course, lineNo);
      if (first != null) {
        throw new IllegalArgumentException(
            "line "
                + lineNo
                + ": "
                + student
                + " in "
                + course
                + " is on line "
                + first
                + " already: keep one line per student and course");
      }
      rows.add(new GroundTruth(student, course, persona, at));
    }
    return rows;
  }

  private static String field(String raw) {
    String s = raw.trim();
    if (s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
      s = s.substring(1, s.length() - 1).replace("\"\"", "\"");
    }
    return s;
  }
}
