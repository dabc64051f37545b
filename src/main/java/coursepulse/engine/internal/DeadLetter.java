package coursepulse.engine.internal;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The dead-letter record format, shared by the test driver and the runtime: one JSON object per
 * unreadable source record, {@code
 * {"stream":..,"offset":..,"reason":..,"detail":..,"payload":"<base64>"}}, written to {@code
 * <applicationId>-dlq}. The reason is machine-readable: the exception's {@link
 * coursepulse.engine.ReasonCoded#reasonCode()}, else {@code unreadable}; the detail is the
 * exception's class and message. Neither may carry personal data, so serdes should not echo field
 * values in their messages.
 */
public final class DeadLetter {

  /**
   * Most raw bytes copied into a dead letter; the rest is cut and {@code payloadBytes} gives the
   * original size. Without the cut, a record a little under the log's largest message (RabbitMQ's
   * default frame max is 1 MiB) would give a dead letter over it (base64 adds a third): its
   * append would fail, and the engine would rebuild and retry the same record forever.
   */
  public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

  /** Suffix of the dead-letter stream name after the application id. */
  public static final String STREAM_SUFFIX = "-dlq";

  private DeadLetter() {}

  /** The dead-letter stream of an application. */
  public static String streamName(String applicationId) {
    return applicationId + STREAM_SUFFIX;
  }

  /** The machine-readable reason code of an exception (see {@code ReasonCoded}). */
  public static String code(Throwable e) {
    return coursepulse.engine.ReasonCoded.codeOf(e);
  }

  /** A human-readable reason from an exception. */
  public static String reason(Throwable e) {
    String msg = e.getMessage();
    return e.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
  }

  /** Encodes one dead letter as UTF-8 JSON, with the reason code and detail of {@code e}. */
  public static byte[] encode(String stream, long offset, Throwable e, byte[] raw) {
    return encode(stream, offset, code(e), reason(e), raw);
  }

  /** Encodes one dead letter as UTF-8 JSON, without detail. */
  public static byte[] encode(String stream, long offset, String reason, byte[] raw) {
    return encode(stream, offset, reason, null, raw);
  }

  /** Encodes one dead letter as UTF-8 JSON; {@code detail} may be null. */
  public static byte[] encode(
      String stream, long offset, String reason, String detail, byte[] raw) {
    StringBuilder sb = new StringBuilder(64 + Math.min(raw.length, MAX_PAYLOAD_BYTES) * 4 / 3);
    sb.append("{\"stream\":");
    quote(sb, stream);
    sb.append(",\"offset\":").append(offset).append(",\"reason\":");
    quote(sb, reason);
    if (detail != null) {
      sb.append(",\"detail\":");
      quote(sb, detail);
    }
    if (raw.length > MAX_PAYLOAD_BYTES) {
      sb.append(",\"payloadBytes\":").append(raw.length).append(",\"payloadTruncated\":true");
      raw = java.util.Arrays.copyOf(raw, MAX_PAYLOAD_BYTES);
    }
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
