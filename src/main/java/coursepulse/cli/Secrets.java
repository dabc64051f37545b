package coursepulse.cli;

import java.util.regex.Pattern;

/** Masks credentials in text shown to users. */
final class Secrets {
  private static final Pattern USER_INFO =
      Pattern.compile("(?i)([a-z][a-z0-9+.-]*://)([^:/@\\s]+):([^@/\\s]*)@");

  private Secrets() {}

  /** {@code scheme://user:password@host} becomes {@code scheme://user:***@host}. */
  static String mask(String text) {
    return text == null ? null : USER_INFO.matcher(text).replaceAll("$1$2:***@");
  }
}
