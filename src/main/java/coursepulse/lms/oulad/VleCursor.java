package coursepulse.lms.oulad;

import java.io.Closeable;

/**
 * The click rows ({@code studentVle}) of one presentation, streamed in the file's order, which
 * must be by {@code date} (the dataset's files are): the importer consumes them a day at a time
 * and never holds more than one day. In the original single-file layout the rows of other
 * presentations are skipped. Not thread-safe.
 */
final class VleCursor implements Closeable {
  /** {@link #day()} once the rows are exhausted. */
  static final int END = Integer.MAX_VALUE;

  private final CsvTable table;
  private final String courseId;
  private final byte[] module;
  private final byte[] presentation;
  private final int moduleCol;
  private final int presentationCol;
  private final int studentCol;
  private final int siteCol;
  private final int dateCol;
  private final int clicksCol;
  private int day = Integer.MIN_VALUE;
  private int student;
  private int site;
  private int clicks;

  private VleCursor(CsvTable table, String module, String presentation) {
    this.table = table;
    this.courseId = module + "-" + presentation;
    this.module = OuladDirectory.ascii(module);
    this.presentation = OuladDirectory.ascii(presentation);
    moduleCol = table.column("code_module");
    presentationCol = table.column("code_presentation");
    studentCol = table.column("id_student");
    siteCol = table.column("id_site");
    dateCol = table.column("date");
    clicksCol = table.column("sum_click");
  }

  /** Opens the cursor on its first row. */
  static VleCursor open(java.nio.file.Path file, String module, String presentation) {
    CsvTable table = CsvTable.open(file);
    try {
      VleCursor c = new VleCursor(table, module, presentation);
      c.advance();
      return c;
    } catch (RuntimeException e) {
      table.close();
      throw e;
    }
  }

  /** Day of the current row, relative to the presentation's start; {@link #END} after the last. */
  int day() {
    return day;
  }

  int student() {
    return student;
  }

  int site() {
    return site;
  }

  int clicks() {
    return clicks;
  }

  /** Moves to the next row of this presentation. */
  void advance() {
    if (day == END) {
      return;
    }
    while (table.next()) {
      if (!table.is(moduleCol, module) || !table.is(presentationCol, presentation)) {
        continue;
      }
      int d = table.integer(dateCol);
      if (d < day) {
        throw table.error(
            "the clicks of " + courseId + " are not in date order (day " + d + " after day " + day
                + "); the importer reads them a day at a time: sort the file by the date column"
                + " (the dataset's own files are sorted)");
      }
      day = d;
      student = table.integer(studentCol);
      site = table.integer(siteCol);
      clicks = table.integer(clicksCol);
      if (clicks < 1) {
        throw table.error("sum_click is " + clicks + "; a click row counts at least one click");
      }
      return;
    }
    day = END;
    table.close();
  }

  @Override
  public void close() {
    table.close();
  }
}
