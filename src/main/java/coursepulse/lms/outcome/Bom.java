package coursepulse.lms.outcome;

/**
 * The UTF-8 byte order mark some spreadsheet programs put before a CSV's first line: Java's UTF-8
 * decoder keeps it as a character, which would make a correct header look wrong.
 */
public final class Bom {
  private static final char MARK = '\uFEFF';

  private Bom() {}

  /** {@code firstLine} without a leading byte order mark; {@code null} stays {@code null}. */
  public static String strip(String firstLine) {
    return firstLine != null && !firstLine.isEmpty() && firstLine.charAt(0) == MARK
        ? firstLine.substring(1)
        : firstLine;
  }
}
