package coursepulse.lms.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.lms.risk.Rule;
import coursepulse.lms.risk.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertOpeningTest {

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldReadAnOpeningWrittenByTheAlertCodec() {
    Instant at = Instant.parse("2013-10-20T00:00:00Z");
    Alert alert = new Alert(Alert.Type.OPENED, "0123456789abcdef", Rule.LOGIN_INACTIVE,
        Severity.LOW, "s-1", null, at, null, Map.of("inactiveDays", 7L), "default-2");
    AlertOpening a = AlertOpening.decode(AlertCodec.encode(alert));
    assertThat(a).isEqualTo(new AlertOpening("LOGIN_INACTIVE", "s-1", null, at, Double.NaN, "low"));
    assertThat(a.hasScore()).isFalse();
  }

  @Test
  void shouldTolerateNewRulesAndOptionalFields() {
    AlertOpening a = AlertOpening.decode(utf8("{\"type\":\"alert_opened\",\"alertId\":\"x\","
        + "\"rule\":\"RISK_SCORE\",\"severity\":\"low\",\"studentId\":\"oulad-1\","
        + "\"courseId\":\"AAA-2013J\",\"openedAt\":\"2013-10-20T00:00:00Z\","
        + "\"evidence\":{\"a\":[1,{\"b\":2}]},\"score\":0.8123,"
        + "\"factors\":[\"no activity for 12 days\"],\"rulesVersion\":\"v\","
        + "\"applicationId\":\"risk\",\"rulesHash\":\"ab12\",\"future\":{\"x\":null}}"));
    assertThat(a.rule()).isEqualTo("RISK_SCORE");
    assertThat(a.courseId()).isEqualTo("AAA-2013J");
    assertThat(a.score()).isEqualTo(0.8123);
  }

  @Test
  void shouldReturnNullForResolutionsAndRefuseWhatIsNotAnAlert() {
    assertThat(AlertOpening.decode(utf8("{\"type\":\"alert_resolved\",\"rule\":\"X\","
        + "\"studentId\":\"s\",\"openedAt\":\"2013-10-20T00:00:00Z\"}"))).isNull();
    assertThatThrownBy(() -> AlertOpening.decode(utf8("{\"type\":\"alert_opened\"}")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertOpening.decode(utf8("{\"type\":\"alert_opened\",\"rule\":\"X\","
        + "\"studentId\":\"s\",\"openedAt\":\"yesterday\"}")))
        .hasMessageContaining("yesterday");
    assertThatThrownBy(() -> AlertOpening.decode(utf8("{\"type\":\"alert_opened\",\"rule\":\"X\","
        + "\"studentId\":\"s\",\"openedAt\":\"2013-10-20T00:00:00Z\",\"score\":3}")))
        .hasMessageContaining("score");
    assertThatThrownBy(() -> AlertOpening.decode(utf8("{not json")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
