package coursepulse.lms.risk.model;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import coursepulse.lms.outcome.Bom;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Labelled feature rows as CSV, to fit on features computed elsewhere or to inspect the rows {@code
 * train} fitted on: a header {@code studentId,courseId,at,label,<feature>...}, then one row per
 * student, course and cut-off; {@code at} an ISO-8601 instant, {@code label} 1 (withdrew or failed)
 * or 0, a missing value empty. A {@code courseDay} feature, when present, gives the row's course
 * day (the per-week metrics need it).
 */
public final class FeatureCsv {
  private static final List<String> KEYS = List.of("studentId", "courseId", "at", "label");

  private FeatureCsv() {}

  /** Writes {@code set}'s rows in its canonical order. */
  public static void write(Path file, TrainingSet set) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      List<String> header = new ArrayList<>(KEYS);
      header.addAll(set.featureNames());
      w.write(String.join(",", header));
      w.write('\n');
      for (TrainingSet.Row r : set.rows()) {
        w.write(r.studentId() + ',' + r.courseId() + ',' + r.at() + ',' + (r.atRisk() ? '1' : '0'));
        for (double v : r.values()) {
          w.write(',');
          if (Double.isFinite(v)) {
            w.write(Double.toString(v));
          }
        }
        w.write('\n');
      }
    }
  }

  /**
   * Reads labelled rows.
   *
   * @throws IllegalArgumentException naming the file and line of anything malformed
   */
  public static TrainingSet read(Path file) throws IOException {
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String headerLine = Bom.strip(r.readLine());
      List<String> header =
          headerLine == null ? List.of() : Arrays.asList(headerLine.strip().split(",", -1));
      if (header.size() < KEYS.size() + 1 || !header.subList(0, KEYS.size()).equals(KEYS)) {
        throw new IllegalArgumentException(
            file + ": line 1 must be 'studentId,courseId,at,label' followed by the feature names");
      }
      List<String> features = header.subList(KEYS.size(), header.size());
      try {
        TrainingSet.requireDistinctNames(features);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": line 1: " + e.getMessage());
      }
      int courseDay = features.indexOf(TrainingSet.COURSE_DAY);
      List<TrainingSet.Row> rows = new ArrayList<>();
      // A row given twice would weigh twice in the fit; the stream path keeps one per cut-off.
      Map<String, Integer> lineOfCutOff = new HashMap<>();
      String line;
      int n = 1;
      while ((line = r.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        String[] f = line.split(",", -1);
        if (f.length != header.size()) {
          throw new IllegalArgumentException(
              file + ": line " + n + " has " + f.length + " fields, the header " + header.size());
        }
        try {
          double[] values = new double[features.size()];
          for (int i = 0; i < values.length; i++) {
            String v = f[KEYS.size() + i].strip();
            values[i] = v.isEmpty() ? Double.NaN : Double.parseDouble(v);
          }
          TrainingSet.Row row =
              new TrainingSet.Row(
                  f[0].strip(),
                  f[1].strip(),
                  Instant.parse(f[2].strip()),
                  courseDay < 0 || Double.isNaN(values[courseDay]) ? 0 : (int) values[courseDay],
                  label(f[3].strip()),
                  values);
          // Without a courseDay column the cut-off is told by its time.
          String cutOff =
              row.studentId()
                  + '\u0000'
                  + row.courseId()
                  + '\u0000'
                  + (courseDay < 0 ? row.at().toString() : Integer.toString(row.courseDay()));
          Integer first = lineOfCutOff.putIfAbsent(cutOff, n);
          if (first != null) {
            throw new IllegalArgumentException(
                "student "
                    + row.studentId()
                    + " in "
                    + row.courseId()
                    + " at "
                    + (courseDay < 0 ? row.at() : "course day " + row.courseDay())
                    + " has a row on line "
                    + first
                    + " already (it would count twice): keep one row per student, course and"
                    + " cut-off");
          }
          rows.add(row);
        } catch (DateTimeParseException e) {
          throw new IllegalArgumentException(
              file + ": line " + n + ": at '" + f[2] + "' is not an ISO-8601 instant");
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ": line " + n + ": " + e.getMessage());
        }
      }
      return TrainingSet.of(features, rows);
    }
  }

  private static boolean label(String text) {
    switch (text) {
      case "1":
        return true;
      case "0":
        return false;
      default:
        throw new IllegalArgumentException("label '" + text + "' is not 0 or 1");
    }
  }
}
