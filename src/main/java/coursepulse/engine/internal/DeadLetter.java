package coursepulse.engine.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The dead-letter record format, shared by the test driver and the runtime: one JSON object per
 * unreadable source record, {@code {"stream":..,"offset":..,"reason":..,"payload":"<base64>"}},
 * written to {@code <applicationId>-dlq}. The reason is the exception's class and message; it must
 * not carry personal data, so serdes should not echo field values in their messages.
 */
public final class DeadLetter {

  /** Suffix of the dead-letter stream name after the application id. */
  public static final String STREAM_SUFFIX = "-dlq";

  private DeadLetter() {}

  /** The dead-letter stream of an application. */
  public static String streamName(String applicationId) {
    return applicationId + STREAM_SUFFIX;
  }

  /** A human-readable reason from an exception. */
  public static String reason(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  /** Encodes one dead letter as UTF-8 JSON. */
  public static byte[] encode(String stream, long offset, String reason, byte[] raw) {
    StringBuilder sb = new StringBuilder(64 + raw.length * 4 / 3);
    sb.append("{\"stream\":");
    quote(sb, stream);
    sb.append(",\"offset\":").append(offset).append(",\"reason\":");
    quote(sb, reason);
    sb.append(",\"payload\":\"").append(Base64.getEncoder().encodeToString(raw)).append("\"}");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }
}
