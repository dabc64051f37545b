package coursepulse.lms.oulad;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/**
 * One OULAD table read row by row from a CSV file, plain or gzip (recognised by its magic bytes,
 * whatever the name). Columns are found by their header names, so their order does not matter.
 * Fields may be quoted (the original distribution quotes every field); a missing value is empty or
 * {@code ?}; lines may end in CRLF. (OULAD has no quotes inside fields, so none are unescaped.) The current row is held as byte ranges in a reused buffer, so
 * millions of rows allocate next to nothing. Errors name the file and line. Not thread-safe.
 */
final class CsvTable implements Closeable {
  private final String name;
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] line = new byte[512];
  private int lineLength;
  private long lineNumber;
  private int[] starts = new int[16];
  private int[] ends = new int[16];
  private int fieldCount;
  private final List<String> header;
  private final Map<String, Integer> columns = new HashMap<>();

  private CsvTable(String name, InputStream in) throws IOException {
    this.name = name;
    this.in = in;
    if (!readLine()) {
      throw new OuladFormatException(name + ": the file is empty; expected a header line");
    }
    // a UTF-8 byte order mark goes before splitting, or a quoted first name would not be quoted
    if (lineLength >= 3 && line[0] == (byte) 0xEF && line[1] == (byte) 0xBB && line[2] == (byte) 0xBF) {
      lineLength -= 3;
      System.arraycopy(line, 3, line, 0, lineLength);
    }
    split();
    List<String> h = new ArrayList<>();
    for (int i = 0; i < fieldCount; i++) {
      String column = text(i).strip().toLowerCase(Locale.ROOT);
      h.add(column);
      columns.putIfAbsent(column, i);
    }
    this.header = List.copyOf(h);
  }

  /** Opens {@code file}; gzip is detected from its first two bytes. */
  static CsvTable open(Path file) {
    InputStream raw = null;
    try {
      raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      raw.mark(2);
      int b0 = raw.read();
      int b1 = raw.read();
      raw.reset();
      InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
      return new CsvTable(file.toString(), in);
    } catch (IOException e) {
      closeQuietly(raw);
      throw new OuladFormatException("cannot read " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(raw);
      throw e;
    }
  }

  private static void closeQuietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // the original failure is the one to report
      }
    }
  }

  /** The file, for messages. */
  String name() {
    return name;
  }

  /** 1-based line number of the current row. */
  long lineNumber() {
    return lineNumber;
  }

  /**
   * The index of a required column.
   *
   * @throws OuladFormatException naming the file, the column and the header found
   */
  int column(String column) {
    Integer i = columns.get(column);
    if (i == null) {
      throw new OuladFormatException(
          name + ": no column '" + column + "' in the header " + header
              + "; is this the OULAD table it is named after?");
    }
    return i;
  }

  /**
   * Moves to the next row, skipping blank lines.
   *
   * @return false at the end of the file
   * @throws OuladFormatException when a row has a different number of fields than the header
   */
  boolean next() {
    try {
      while (readLine()) {
        if (lineLength == 0) {
          continue;
        }
        split();
        if (fieldCount != header.size()) {
          throw error(fieldCount + " fields, the header has " + header.size());
        }
        return true;
      }
      return false;
    } catch (IOException e) {
      throw new OuladFormatException(
          name + ": line " + (lineNumber + 1) + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** Whether field {@code i} is missing: empty or {@code ?}. */
  boolean missing(int i) {
    int s = starts[i];
    int e = ends[i];
    return e == s || (e == s + 1 && line[s] == '?');
  }

  String text(int i) {
    return new String(line, starts[i], ends[i] - starts[i], StandardCharsets.UTF_8);
  }

  /** Field {@code i} as text, or null when missing. */
  String optText(int i) {
    return missing(i) ? null : text(i);
  }

  /**
   * Whether field {@code i} is {@code ascii}, ignoring spaces and tabs around it (as the small
   * tables' {@code strip()} does, so that both read a padded field alike).
   */
  boolean is(int i, byte[] ascii) {
    int s = starts[i];
    int e = ends[i];
    while (s < e && (line[s] == ' ' || line[s] == '\t')) {
      s++;
    }
    while (e > s && (line[e - 1] == ' ' || line[e - 1] == '\t')) {
      e--;
    }
    return e - s == ascii.length && Arrays.equals(line, s, e, ascii, 0, ascii.length);
  }

  /** A required whole number (leading sign allowed). */
  int integer(int i) {
    long v = parseInteger(i);
    if (v == MISSING_VALUE) {
      throw error("column '" + header.get(i) + "' is missing");
    }
    return (int) v;
  }

  /**
   * OULAD's days run from −310 to 853 of a presentation's start; ten years either way is far
   * beyond any real table, and keeps the importer's day-by-day walk and its per-day arrays small.
   */
  static final int MAX_DAY = 3650;

  /** A required day relative to a presentation's start, within {@link #MAX_DAY} of it. */
  int day(int i) {
    return checkDay(i, integer(i));
  }

  /** A day relative to a presentation's start, or null when missing. */
  Integer optDay(int i) {
    Integer v = optInteger(i);
    return v == null ? null : checkDay(i, v);
  }

  private int checkDay(int i, int day) {
    if (Math.abs(day) > MAX_DAY) {
      throw error("column '" + header.get(i) + "' is " + day + ": a day of the presentation must be"
          + " within " + MAX_DAY + " days of its start (OULAD's run from -310 to 853); correct the row");
    }
    return day;
  }

  /** A whole number, or null when missing. */
  Integer optInteger(int i) {
    long v = parseInteger(i);
    return v == MISSING_VALUE ? null : (int) v;
  }

  private static final long MISSING_VALUE = Long.MIN_VALUE;

  private long parseInteger(int i) {
    if (missing(i)) {
      return MISSING_VALUE;
    }
    int s = starts[i];
    int e = ends[i];
    boolean negative = line[s] == '-';
    if (negative || line[s] == '+') {
      s++;
    }
    // "12.0" appears where a tool wrote whole numbers as decimals
    int end = e;
    for (int k = s; k < e; k++) {
      if (line[k] == '.') {
        end = k;
        for (int z = k + 1; z < e; z++) {
          if (line[z] != '0') {
            throw error("column '" + header.get(i) + "' is '" + text(i) + "', not a whole number");
          }
        }
        break;
      }
    }
    if (s == end || end - s > 9) {
      throw error("column '" + header.get(i) + "' is '" + text(i) + "', not a whole number");
    }
    long v = 0;
    for (int k = s; k < end; k++) {
      int d = line[k] - '0';
      if (d < 0 || d > 9) {
        throw error("column '" + header.get(i) + "' is '" + text(i) + "', not a whole number");
      }
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }

  /** A decimal number, or null when missing. */
  Double optDecimal(int i) {
    if (missing(i)) {
      return null;
    }
    try {
      double v = Double.parseDouble(text(i).strip());
      if (Double.isNaN(v) || Double.isInfinite(v)) {
        throw new NumberFormatException();
      }
      return v;
    } catch (NumberFormatException e) {
      throw error("column '" + header.get(i) + "' is '" + text(i) + "', not a number");
    }
  }

  /** An error about the current line: {@code FILE: line N: message}. */
  OuladFormatException error(String message) {
    return new OuladFormatException(name + ": line " + lineNumber + ": " + message);
  }

  private boolean readLine() throws IOException {
    lineLength = 0;
    boolean any = false;
    while (true) {
      if (pos == limit) {
        limit = in.read(buf, 0, buf.length);
        pos = 0;
        if (limit <= 0) {
          limit = 0;
          if (any) {
            lineNumber++;
            trimCr();
          }
          return any;
        }
      }
      any = true;
      int nl = -1;
      for (int k = pos; k < limit; k++) {
        if (buf[k] == '\n') {
          nl = k;
          break;
        }
      }
      int end = nl < 0 ? limit : nl;
      append(pos, end);
      if (nl >= 0) {
        pos = nl + 1;
        lineNumber++;
        trimCr();
        return true;
      }
      pos = limit;
    }
  }

  private void append(int from, int to) {
    int n = to - from;
    if (lineLength + n > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLength + n));
    }
    System.arraycopy(buf, from, line, lineLength, n);
    lineLength += n;
  }

  private void trimCr() {
    if (lineLength > 0 && line[lineLength - 1] == '\r') {
      lineLength--;
    }
  }

  /** Splits the line into fields; a quoted field keeps the bytes between its quotes. */
  private void split() {
    fieldCount = 0;
    int k = 0;
    while (true) {
      if (fieldCount == starts.length) {
        starts = Arrays.copyOf(starts, fieldCount * 2);
        ends = Arrays.copyOf(ends, fieldCount * 2);
      }
      if (k < lineLength && line[k] == '"') {
        int close = k + 1;
        while (close < lineLength && line[close] != '"') {
          close++;
        }
        if (close == lineLength) {
          throw error("a quoted field is not closed");
        }
        starts[fieldCount] = k + 1;
        ends[fieldCount] = close;
        fieldCount++;
        k = close + 1;
        if (k < lineLength && line[k] != ',') {
          throw error("text after a closing quote");
        }
      } else {
        int c = k;
        while (c < lineLength && line[c] != ',') {
          c++;
        }
        starts[fieldCount] = k;
        ends[fieldCount] = c;
        fieldCount++;
        k = c;
      }
      if (k >= lineLength) {
        return;
      }
      k++; // the comma
      if (k == lineLength) {
        starts[fieldCount == starts.length ? grow() : fieldCount] = k;
        ends[fieldCount] = k;
        fieldCount++;
        return;
      }
    }
  }

  private int grow() {
    starts = Arrays.copyOf(starts, fieldCount * 2);
    ends = Arrays.copyOf(ends, fieldCount * 2);
    return fieldCount;
  }

  @Override
  public void close() {
    closeQuietly(in);
  }
}
