package coursepulse.lms.outcome;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes outcomes as CSV: a header {@code studentId,courseId,finalResult,withdrawnAt},
 * then one line per student-course, {@code withdrawnAt} an ISO-8601 instant or empty. Ids never
 * contain commas (the event schema refuses control characters; OULAD ids are numeric).
 */
public final class OutcomesFile {

  /** The header line. */
  public static final String HEADER = "studentId,courseId,finalResult,withdrawnAt";

  private OutcomesFile() {}

  /**
   * Checks, before a long run that ends by writing {@code file}, that it can be written: creates
   * its missing parent directories and opens it for writing without changing it (a file it
   * creates is removed again).
   *
   * @throws IllegalArgumentException when {@code file} is a directory or cannot be written, saying
   *     which
   */
  public static void requireWritable(Path file) {
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(
          file + " is a directory: give the outcomes a file name, e.g. " + file.resolve("outcomes.csv"));
    }
    boolean existed = Files.exists(file);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE).close();
      if (!existed) {
        Files.delete(file);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot write " + file + " (" + e + "): give a file in a directory you can write to", e);
    }
  }

  /** Writes {@code outcomes} in the given order (callers sort for reproducible files). */
  public static void write(Path file, List<Outcome> outcomes) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(HEADER);
      w.write('\n');
      for (Outcome o : outcomes) {
        w.write(o.studentId());
        w.write(',');
        w.write(o.courseId());
        w.write(',');
        w.write(o.finalResult().label());
        w.write(',');
        if (o.withdrawnAt() != null) {
          w.write(o.withdrawnAt().toString());
        }
        w.write('\n');
      }
    }
  }

  /**
   * Reads an outcomes file.
   *
   * @throws IllegalArgumentException naming the file and line of anything malformed
   */
  public static List<Outcome> read(Path file) throws IOException {
    List<Outcome> out = new ArrayList<>();
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String header = Bom.strip(r.readLine());
      if (header == null) {
        throw new IllegalArgumentException(
            file + " is empty: line 1 must be '" + HEADER + "' (write it with 'import oulad"
                + " --outcomes')");
      }
      if (!header.strip().equals(HEADER)) {
        throw new IllegalArgumentException(
            file + ": line 1 must be '" + HEADER + "' (write it with 'import oulad --outcomes')");
      }
      // Two lines for one pair would leave train (last wins) and evaluate to disagree.
      Map<String, Integer> lineOfPair = new HashMap<>();
      String line;
      int n = 1;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != 4 || f[0].isBlank() || f[1].isBlank()) {
          throw new IllegalArgumentException(
              file + ": line " + n + ": expected studentId,courseId,finalResult,withdrawnAt");
        }
        try {
          Instant withdrawnAt = f[3].isBlank() ? null : Instant.parse(f[3].strip());
          Outcome o = new Outcome(f[0].strip(), f[1].strip(), FinalResult.parse(f[2]), withdrawnAt);
          if (withdrawnAt != null && !o.finalResult().atRisk()) {
            // OULAD has students who unregistered and failed (docs/oulad.md), none who passed.
            throw new IllegalArgumentException(
                o.finalResult().label()
                    + " with withdrawnAt "
                    + f[3].strip()
                    + ": only a Withdrawn or Fail result has a withdrawal date; fix the result or"
                    + " empty the date");
          }
          Integer first = lineOfPair.putIfAbsent(o.studentId() + '\u0000' + o.courseId(), n);
          if (first != null) {
            throw new IllegalArgumentException(
                o.studentId()
                    + " in "
                    + o.courseId()
                    + " is on line "
                    + first
                    + " already: keep one line per student and course");
          }
          out.add(o);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              file + ": line " + n + ": withdrawnAt '" + f[3] + "' is not an ISO-8601 instant");
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ": line " + n + ": " + e.getMessage());
        }
      }
    }
    return out;
  }
}
