package coursepulse.lms.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * Dead letters of refused source events, one JSON object per message of {@code ingest-dlq}:
 * {@code deadLetterId}, {@code source}, {@code reason}, {@code detail}, {@code sourceEventId},
 * {@code receivedAt} and the {@code raw} event as received (as a JSON string when it nests too
 * deeply to be embedded). The raw event may hold personal data
 * (names, logins): the stream needs the retention and access of the LMS data it comes from.
 */
final class DeadLetters {

  /** The field holding the dedup key of a dead letter. */
  static final String ID_FIELD = "deadLetterId";

  private static final ObjectMapper JSON = new ObjectMapper();

  private DeadLetters() {}

  /**
   * The dead-letter message of a refused event. Its id is a digest of source and raw event, so a
   * redelivered bad event is dead-lettered once.
   */
  static Appender.Item item(
      String stream, Source source, MappedEvent.Rejected rejected, Instant receivedAt) {
    String raw = rejected.raw().toString();
    String id = "dlq-" + digest(source.code() + "\n" + raw);
    ObjectNode node = JSON.createObjectNode();
    node.put(ID_FIELD, id);
    node.put("source", source.code());
    node.put("reason", rejected.reason().code());
    node.put("detail", rejected.detail());
    node.put("sourceEventId", rejected.sourceId());
    node.put("receivedAt", receivedAt.toString());
    node.set("raw", rejected.raw());
    try {
      return new Appender.Item(id, stream, JSON.writeValueAsBytes(node));
    } catch (JsonProcessingException tooDeep) {
      // Embedded one level down, an event nested up to the parser's limit passes the writer's
      // (a 500, and a sender retrying without end): keep it as its text instead.
      node.put("raw", raw);
      try {
        return new Appender.Item(id, stream, JSON.writeValueAsBytes(node));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot encode a dead letter", e);
      }
    }
  }

  private static String digest(String s) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(d, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
