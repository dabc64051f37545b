package coursepulse.lms.oulad;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the dataset's tables are in a directory. Each table is {@code <name>.csv}, possibly
 * gzipped as {@code <name>.csv.gz}. The clicks are either one {@code studentVle.csv} for every
 * presentation (the original distribution) or one {@code studentVle/<module>-<presentation>.csv}
 * per presentation (the layout of {@code shared/oulad}); the per-presentation file wins when both
 * exist.
 */
public final class OuladDirectory {
  static final String DOWNLOAD = "https://analyse.kmi.open.ac.uk/open_dataset";

  private final Path dir;

  private OuladDirectory(Path dir) {
    this.dir = dir;
  }

  /**
   * @throws OuladFormatException when {@code dir} is not a directory
   */
  public static OuladDirectory of(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new OuladFormatException(
          dir + " is not a directory: point --dir at the unzipped OULAD tables (courses.csv,"
              + " assessments.csv, studentVle.csv, ...; download: " + DOWNLOAD + ")");
    }
    return new OuladDirectory(dir);
  }

  public Path path() {
    return dir;
  }

  /** The file of table {@code name} ({@code courses}, {@code studentInfo}, ...). */
  Path table(String name) {
    Path found = find(dir, name);
    if (found == null) {
      throw new OuladFormatException(
          dir + ": no " + name + ".csv (or " + name + ".csv.gz): is this the OULAD directory?"
              + " It needs courses, assessments, vle, studentInfo, studentRegistration,"
              + " studentAssessment and studentVle (download: " + DOWNLOAD + ")");
    }
    return found;
  }

  /** The click rows of one presentation, in the file's order. */
  VleCursor clicks(String module, String presentation) {
    Path perPresentation = dir.resolve("studentVle");
    String course = module + "-" + presentation;
    Path own = find(perPresentation, course);
    if (own == null && find(dir, "studentVle") == null && Files.isDirectory(perPresentation)) {
      throw new OuladFormatException(
          perPresentation + ": no " + course + ".csv (or " + course + ".csv.gz), and " + dir
              + " has no studentVle.csv for every presentation: the clicks of " + course
              + " are missing. Add the file, or leave " + course + " out of --presentations.");
    }
    return own != null
        ? VleCursor.open(own, module, presentation, true)
        : VleCursor.open(table("studentVle"), module, presentation, false);
  }

  private static Path find(Path dir, String name) {
    for (String suffix : new String[] {".csv", ".csv.gz"}) {
      Path p = dir.resolve(name + suffix);
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    return null;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
