package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayPositionTest {

  @Test
  void shouldParseEveryForm() {
    assertThat(ReplayPosition.parse("first")).isEqualTo(new ReplayPosition.First());
    assertThat(ReplayPosition.parse(" last ")).isEqualTo(new ReplayPosition.Last());
    assertThat(ReplayPosition.parse("next")).isEqualTo(new ReplayPosition.Next());
    assertThat(ReplayPosition.parse("offset:42")).isEqualTo(new ReplayPosition.Offset(42));
    assertThat(ReplayPosition.parse("42")).isEqualTo(new ReplayPosition.Offset(42));
    assertThat(ReplayPosition.parse("timestamp:2026-09-15T00:00:00Z"))
        .isEqualTo(new ReplayPosition.LogTime(Instant.parse("2026-09-15T00:00:00Z")));
    assertThat(ReplayPosition.parse("timestamp:2026-09-15"))
        .isEqualTo(new ReplayPosition.LogTime(Instant.parse("2026-09-15T00:00:00Z")));
    assertThat(ReplayPosition.parse("timestamp:1000"))
        .isEqualTo(new ReplayPosition.LogTime(Instant.ofEpochMilli(1000)));
    assertThat(ReplayPosition.parse("event-time:2026-10-05T12:30:00Z"))
        .isEqualTo(new ReplayPosition.EventTime(Instant.parse("2026-10-05T12:30:00Z")));
  }

  @Test
  void shouldNameTheAcceptedFormsWhenItCannotRead() {
    for (String bad : new String[] {"", "offset:-1", "offset:x", "timestamp:yesterday", "nxt", "eventtime:2026-01-01"}) {
      assertThatThrownBy(() -> ReplayPosition.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("event-time:");
    }
  }

  @Test
  void shouldParsePerStreamPositionsInOrder() {
    Map<String, ReplayPosition> m =
        ReplayPosition.parsePerStream("01-Enrollment=first, 02-Login=5000,03-Activity=event-time:2026-10-05");
    assertThat(m).containsExactly(
        Map.entry("01-Enrollment", new ReplayPosition.First()),
        Map.entry("02-Login", new ReplayPosition.Offset(5000)),
        Map.entry("03-Activity", new ReplayPosition.EventTime(Instant.parse("2026-10-05T00:00:00Z"))));
    assertThat(ReplayPosition.parsePerStream(null)).isEmpty();
  }

  @Test
  void shouldRefuseMalformedOrRepeatedPerStreamEntries() {
    assertThatThrownBy(() -> ReplayPosition.parsePerStream("02-Login"))
        .hasMessageContaining("STREAM=POSITION");
    assertThatThrownBy(() -> ReplayPosition.parsePerStream("02-Login=1,02-Login=2"))
        .hasMessageContaining("twice");
  }

  @Test
  void shouldPrintPercentRateAndEtaInProgressLines() {
    assertThat(ReplayProgress.line(250, 1000, 50))
        .isEqualTo("replay:  25.0% (250 of 1,000 events), 50 events/s, ETA 0:00:15");
    assertThat(ReplayProgress.line(0, 1000, 0)).endsWith("ETA ?");
  }

  @Test
  void shouldAskForTheKindOfABareTime() {
    assertThatThrownBy(() -> ReplayPosition.parse("2026-10-01T00:00:00Z"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timestamp:2026-10-01T00:00:00Z")
        .hasMessageContaining("event-time:2026-10-01T00:00:00Z");
    assertThatThrownBy(() -> ReplayPosition.parse("2026-10-01"))
        .hasMessageContaining("event-time:2026-10-01 ");
  }
}
