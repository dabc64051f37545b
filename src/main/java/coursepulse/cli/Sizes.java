package coursepulse.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/** Friendly parsing of durations ({@code 7d}, {@code 12h}, {@code PT5M}) and sizes ({@code 20gb}). */
final class Sizes {
  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");
  private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(b|kb|mb|gb|tb)?");

  private Sizes() {}

  static Duration duration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.matches("0+")) {
      return Duration.ZERO; // no unit needed for nothing ("--retry-for 0 fails at once")
    }
    Matcher m = DURATION.matcher(s);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms":
          return Duration.ofMillis(n);
        case "s":
          return Duration.ofSeconds(n);
        case "m":
          return Duration.ofMinutes(n);
        case "h":
          return Duration.ofHours(n);
        case "d":
          return Duration.ofDays(n);
        default:
          return Duration.ofDays(7 * n);
      }
    }
    try {
      return Duration.parse(text.trim().toUpperCase(Locale.ROOT));
    } catch (RuntimeException e) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a duration: use e.g. 0, 500ms, 30s, 5m, 12h, 7d, 2w or PT5M");
    }
  }

  static long bytes(String text) {
    Matcher m = BYTES.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a size: use e.g. 500mb, 20gb or a number of bytes");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2);
    switch (unit) {
      case "kb":
        return n << 10;
      case "mb":
        return n << 20;
      case "gb":
        return n << 30;
      case "tb":
        return n << 40;
      default:
        return n;
    }
  }

  /** picocli converter for durations. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      return duration(value);
    }
  }

  /** picocli converter for byte sizes. */
  static final class ByteSizeConverter implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return bytes(value);
    }
  }
}
