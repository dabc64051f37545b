package coursepulse.lms.oulad;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The click rows ({@code studentVle}) of one presentation in date order. The rows are read whole
 * when the cursor opens, 16 bytes each (about 19 MB for the dataset's largest presentation, 1.2 M
 * rows), so a file in any order imports: the dataset's own files are sorted by date and keep
 * their order, others are sorted by date, keeping the file's order within a day. In the original
 * single-file layout the rows of other presentations are skipped. Not thread-safe.
 */
final class VleCursor implements Closeable {
  /** {@link #day()} once the rows are exhausted. */
  static final int END = Integer.MAX_VALUE;

  private static final int[] NONE = new int[0];

  // One row per index, in date order once opened.
  private int[] days = NONE;
  private int[] students = NONE;
  private int[] sites = NONE;
  private int[] clickCounts = NONE;
  private int size;
  private int next;
  private int day = Integer.MIN_VALUE;

  private VleCursor() {}

  /**
   * Reads the presentation's rows and opens the cursor on the first.
   *
   * @param own whether {@code file} is the presentation's own ({@code studentVle/<course>.csv}),
   *     where a row of another presentation is an error rather than a row to skip
   */
  static VleCursor open(Path file, String module, String presentation, boolean own) {
    VleCursor c = new VleCursor();
    try (CsvTable table = CsvTable.open(file)) {
      c.read(table, module, presentation, own);
    }
    c.trim();
    c.sortByDay();
    c.advance();
    return c;
  }

  private void read(CsvTable table, String module, String presentation, boolean own) {
    byte[] moduleBytes = OuladDirectory.ascii(module);
    byte[] presentationBytes = OuladDirectory.ascii(presentation);
    int moduleCol = table.column("code_module");
    int presentationCol = table.column("code_presentation");
    int studentCol = table.column("id_student");
    int siteCol = table.column("id_site");
    int dateCol = table.column("date");
    int clicksCol = table.column("sum_click");
    while (table.next()) {
      if (!table.is(moduleCol, moduleBytes) || !table.is(presentationCol, presentationBytes)) {
        if (own) {
          throw table.error("a click row of " + table.text(moduleCol).strip() + "-"
              + table.text(presentationCol).strip() + " in the file of " + module + "-" + presentation
              + "; move it to its own presentation's file");
        }
        continue;
      }
      int clicks = table.integer(clicksCol);
      if (clicks < 1) {
        throw table.error("sum_click is " + clicks + "; a click row counts at least one click");
      }
      if (size == days.length) {
        int capacity = Math.max(1024, size * 2);
        days = Arrays.copyOf(days, capacity);
        students = Arrays.copyOf(students, capacity);
        sites = Arrays.copyOf(sites, capacity);
        clickCounts = Arrays.copyOf(clickCounts, capacity);
      }
      days[size] = table.day(dateCol);
      students[size] = table.integer(studentCol);
      sites[size] = table.integer(siteCol);
      clickCounts[size] = clicks;
      size++;
    }
  }

  private void trim() {
    days = Arrays.copyOf(days, size);
    students = Arrays.copyOf(students, size);
    sites = Arrays.copyOf(sites, size);
    clickCounts = Arrays.copyOf(clickCounts, size);
  }

  /** A stable counting sort by day; nothing to do for a sorted file (the dataset's). */
  private void sortByDay() {
    boolean sorted = true;
    int min = Integer.MAX_VALUE;
    int max = Integer.MIN_VALUE;
    for (int i = 0; i < size; i++) {
      sorted &= i == 0 || days[i - 1] <= days[i];
      min = Math.min(min, days[i]);
      max = Math.max(max, days[i]);
    }
    if (sorted) {
      return;
    }
    // Days span a term (a few hundred values), so one slot per day.
    int[] start = new int[max - min + 2];
    for (int i = 0; i < size; i++) {
      start[days[i] - min + 1]++;
    }
    for (int d = 1; d < start.length; d++) {
      start[d] += start[d - 1];
    }
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[start[days[i] - min]++] = i;
    }
    days = permute(days, order);
    students = permute(students, order);
    sites = permute(sites, order);
    clickCounts = permute(clickCounts, order);
  }

  /**
   * Adds the rows, in the order the cursor gives them, to {@code digest}: the same rows in the same
   * order of days give the same digest, whatever the file's layout.
   */
  void digestInto(MessageDigest digest) {
    ByteBuffer block = ByteBuffer.allocate(16 * 4096);
    for (int i = 0; i < size; i++) {
      if (!block.hasRemaining()) {
        digest.update(block.flip());
        block.clear();
      }
      block.putInt(days[i]).putInt(students[i]).putInt(sites[i]).putInt(clickCounts[i]);
    }
    digest.update(block.flip());
  }

  private int[] permute(int[] values, int[] order) {
    int[] out = new int[size];
    for (int i = 0; i < size; i++) {
      out[i] = values[order[i]];
    }
    return out;
  }

  /** Day of the current row, relative to the presentation's start; {@link #END} after the last. */
  int day() {
    return day;
  }

  int student() {
    return students[next - 1];
  }

  int site() {
    return sites[next - 1];
  }

  int clicks() {
    return clickCounts[next - 1];
  }

  /** Moves to the next row of this presentation. */
  void advance() {
    if (next == size) {
      day = END;
      return;
    }
    day = days[next++];
  }

  /** Lets the rows go. */
  @Override
  public void close() {
    days = students = sites = clickCounts = NONE;
    size = next = 0;
    day = END;
  }
}
