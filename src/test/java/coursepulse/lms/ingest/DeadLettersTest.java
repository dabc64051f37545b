package coursepulse.lms.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DeadLettersTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldKeepAnEventNestedToTheParsersLimitAsItsText() throws Exception {
    // An event nested to the parser's limit (1,000 levels) is one level too deep for the writer
    // once embedded in its dead letter: ingest answered 500 to a request it should dead-letter.
    int depth = 999;
    String deep = "{\"metadata\":{},\"body\":" + "[".repeat(depth) + "]".repeat(depth) + "}";
    JsonNode raw = JSON.readTree(deep);
    MappedEvent.Rejected rejected =
        new MappedEvent.Rejected(0, null, RejectReason.BAD_TIMESTAMP, "metadata.event_time", raw);

    Appender.Item item =
        DeadLetters.item("ingest-dlq", Source.CANVAS, rejected, Instant.parse("2026-09-14T12:00:00Z"));

    JsonNode letter = JSON.readTree(item.body());
    assertThat(letter.get("reason").asText()).isEqualTo("bad_timestamp");
    assertThat(letter.get("raw").isTextual()).isTrue();
    assertThat(JSON.readTree(letter.get("raw").asText())).isEqualTo(raw);
  }

  @Test
  void shouldEmbedAnOrdinaryEventAsJson() throws Exception {
    JsonNode raw = JSON.readTree("{\"metadata\":{\"event_name\":\"x\"},\"body\":{}}");
    MappedEvent.Rejected rejected =
        new MappedEvent.Rejected(0, "e1", RejectReason.MISSING_FIELD, "body.user_id", raw);
    JsonNode letter = JSON.readTree(DeadLetters.item("ingest-dlq", Source.CANVAS, rejected,
        Instant.parse("2026-09-14T12:00:00Z")).body());
    assertThat(letter.get("raw")).isEqualTo(raw);
  }
}
