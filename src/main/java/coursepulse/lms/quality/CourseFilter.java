package coursepulse.lms.quality;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Which courses a report covers: a comma-separated list of course ids or globs ({@code *} any
 * characters, {@code ?} one), e.g. {@code AAA-2013J,BBB-2013J} or {@code *-2013J} for every
 * October 2013 presentation. Immutable.
 */
public final class CourseFilter {

  private static final CourseFilter ALL = new CourseFilter("all courses", List.of());

  private final String description;
  private final List<Pattern> patterns;

  private CourseFilter(String description, List<Pattern> patterns) {
    this.description = description;
    this.patterns = patterns;
  }

  /** Every course. */
  public static CourseFilter all() {
    return ALL;
  }

  /**
   * The filter a {@code --courses} value describes; {@code null} or blank means every course.
   *
   * @throws IllegalArgumentException when an entry is empty
   */
  public static CourseFilter parse(String spec) {
    if (spec == null || spec.isBlank()) {
      return ALL;
    }
    List<Pattern> patterns = new ArrayList<>();
    List<String> entries = new ArrayList<>();
    for (String raw : spec.split(",", -1)) {
      String entry = raw.strip();
      if (entry.isEmpty()) {
        throw new IllegalArgumentException(
            "--courses '" + spec + "' has an empty entry: give course ids or globs separated by"
                + " commas, e.g. AAA-2013J,*-2013B");
      }
      entries.add(entry);
      patterns.add(glob(entry));
    }
    return new CourseFilter(String.join(",", entries), List.copyOf(patterns));
  }

  /** Whether {@code courseId} is covered. */
  public boolean test(String courseId) {
    if (patterns.isEmpty()) {
      return true;
    }
    for (Pattern p : patterns) {
      if (p.matcher(courseId).matches()) {
        return true;
      }
    }
    return false;
  }

  /** The filter as the user wrote it (normalised), or {@code all courses}. */
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }

  private static Pattern glob(String entry) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : entry.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return Pattern.compile(regex.toString());
  }
}
