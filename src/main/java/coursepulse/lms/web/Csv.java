package coursepulse.lms.web;

/** RFC 4180 rows; a cell starting with a formula character is prefixed so spreadsheets do not run it. */
final class Csv {
  private Csv() {}

  static String row(String... cells) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < cells.length; i++) {
      if (i > 0) {
        b.append(',');
      }
      String c = cells[i] == null ? "" : cells[i];
      if (!c.isEmpty() && "=+-@".indexOf(c.charAt(0)) >= 0) {
        c = "'" + c;
      }
      if (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0
          || c.indexOf('\r') >= 0) {
        c = '"' + c.replace("\"", "\"\"") + '"';
      }
      b.append(c);
    }
    return b.append("\r\n").toString();
  }
}
