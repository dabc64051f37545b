package coursepulse.lms.web;

/** Tiny inline SVG bar charts: numbers only go in, so the markup is safe to embed unescaped. */
final class Bars {
  private Bars() {}

  /** Bars for {@code values} (oldest first), scaled to their maximum, {@code width} px wide. */
  static String svg(int[] values, int width, int height, String label) {
    int max = 1;
    for (int v : values) {
      max = Math.max(max, v);
    }
    double slot = (double) width / values.length;
    StringBuilder b = new StringBuilder(64 + values.length * 80);
    b.append("<svg class=\"bars\" width=\"").append(width).append("\" height=\"").append(height)
        .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
        .append("\" role=\"img\" aria-label=\"").append(label).append("\">");
    for (int i = 0; i < values.length; i++) {
      int h = values[i] == 0 ? 1 : Math.max(2, (int) Math.round((height - 1) * values[i] / (double) max));
      b.append("<rect x=\"").append(Math.round(i * slot + 1)).append("\" y=\"").append(height - h)
          .append("\" width=\"").append(Math.max(1, Math.round(slot - 2))).append("\" height=\"")
          .append(h).append("\"").append(values[i] == 0 ? " class=\"zero\"" : "")
          .append("><title>").append(values[i]).append("</title></rect>");
    }
    return b.append("</svg>").toString();
  }
}
