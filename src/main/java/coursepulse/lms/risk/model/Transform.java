package coursepulse.lms.risk.model;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A monotone transform applied to a raw feature value before it is standardised; declared per
 * feature in the model file, so scoring applies exactly what training applied.
 */
public enum Transform {
  /** The value as it is. */
  NONE("none"),
  /**
   * {@code sign(x) * ln(1 + |x|)}: compresses long-tailed counts (days, clicks) so a few extreme
   * students do not dominate the fit; odd-symmetric so it stays monotone for negative values.
   */
  LOG1P("log1p");

  private final String label;

  Transform(String label) {
    this.label = label;
  }

  /** The name in a model file. */
  public String label() {
    return label;
  }

  /** The transformed value. */
  public double apply(double x) {
    return this == LOG1P ? Math.copySign(Math.log1p(Math.abs(x)), x) : x;
  }

  /**
   * The transform named {@code text}.
   *
   * @throws IllegalArgumentException naming the known transforms
   */
  public static Transform parse(String text) {
    for (Transform t : values()) {
      if (t.label.equals(text == null ? "" : text.trim().toLowerCase(Locale.ROOT))) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown transform '"
            + text
            + "' (known: "
            + Arrays.stream(values()).map(Transform::label).collect(Collectors.joining(", "))
            + ")");
  }
}
