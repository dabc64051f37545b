package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertCodecTest {
  private static final Instant OPENED = Instant.parse("2026-01-12T12:00:00Z");

  private static Alert resolution() {
    Map<String, Object> ev = new LinkedHashMap<>();
    ev.put("reason", "login");
    ev.put("inactiveDays", Alert.ratio(8.25));
    ev.put("count", 3L);
    return new Alert(Alert.Type.RESOLVED, Alert.idOf(Rule.LOGIN_INACTIVE, "s1", null,
        OPENED.toEpochMilli()), Rule.LOGIN_INACTIVE, Severity.MEDIUM, "s1", null, OPENED,
        Instant.parse("2026-01-13T18:00:00Z"), ev, "default-1");
  }

  @Test
  void shouldWriteCompactJsonInFixedFieldOrder() {
    String json = new String(AlertCodec.encode(resolution()), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo(
        "{\"type\":\"alert_resolved\",\"alertId\":\"" + resolution().alertId() + "\","
            + "\"rule\":\"LOGIN_INACTIVE\",\"severity\":\"medium\",\"studentId\":\"s1\","
            + "\"courseId\":null,\"openedAt\":\"2026-01-12T12:00:00Z\","
            + "\"resolvedAt\":\"2026-01-13T18:00:00Z\","
            + "\"evidence\":{\"reason\":\"login\",\"inactiveDays\":8.25,\"count\":3},"
            + "\"rulesVersion\":\"default-1\"}");
  }

  @Test
  void shouldWriteApplicationIdAndRulesHashAfterRulesVersionWhenStamped() {
    Alert stamped = resolution().withOrigin(Alert.Origin.of("trial", RulesConfig.DEFAULTS));
    String json = new String(AlertCodec.encode(stamped), StandardCharsets.UTF_8);
    assertThat(json)
        .endsWith(
            "\"rulesVersion\":\"default-1\",\"applicationId\":\"trial\",\"rulesHash\":\""
                + Alert.Origin.rulesHash(RulesConfig.DEFAULTS) + "\"}");
    assertThat(AlertCodec.decode(json.getBytes(StandardCharsets.UTF_8))).isEqualTo(stamped);
  }

  @Test
  void shouldHashTheRulesContentNotOnlyTheirVersion() {
    RulesConfig sameVersionOtherThreshold =
        RulesConfig.of(null, 5.0, null, null, null, null); // cooldown 5 days instead of 3
    assertThat(sameVersionOtherThreshold.version()).isEqualTo(RulesConfig.DEFAULTS.version());
    assertThat(Alert.Origin.rulesHash(sameVersionOtherThreshold))
        .hasSize(16)
        .isNotEqualTo(Alert.Origin.rulesHash(RulesConfig.DEFAULTS));
    assertThat(Alert.Origin.rulesHash(RulesConfig.DEFAULTS))
        .isEqualTo(Alert.Origin.rulesHash(RulesConfig.of(null, null, null, null, null, null)));
  }

  @Test
  void shouldCountEachRecordOnceAndOnlyTheAskedOrigin() {
    Alert real = resolution().withOrigin(new Alert.Origin("coursepulse", "aaaa"));
    Alert trial = resolution().withOrigin(new Alert.Origin("trial", "bbbb"));
    java.util.List<byte[]> afterResetAndRerun =
        java.util.List.of(
            AlertCodec.encode(real), AlertCodec.encode(trial), AlertCodec.encode(real));

    assertThat(AlertCodec.decodeDistinct(afterResetAndRerun, "coursepulse", null))
        .containsExactly(real);
    assertThat(AlertCodec.decodeDistinct(afterResetAndRerun, null, "bbbb")).containsExactly(trial);
    assertThat(AlertCodec.decodeDistinct(afterResetAndRerun, null, null)).containsExactly(real);
  }

  @Test
  void shouldReadBackWhatItWrites() {
    Alert a = resolution();
    Alert back = AlertCodec.decode(AlertCodec.encode(a));
    assertThat(back).isEqualTo(a);
    assertThat(AlertCodec.encode(back)).isEqualTo(AlertCodec.encode(a));
  }

  @Test
  void shouldOmitResolvedAtOnOpenings() {
    Alert a = new Alert(Alert.Type.OPENED, "id", Rule.NO_SUBMISSIONS, Severity.LOW, "s1", "c1",
        OPENED, null, Map.of(), "v");
    assertThat(new String(AlertCodec.encode(a), StandardCharsets.UTF_8))
        .doesNotContain("resolvedAt").contains("\"courseId\":\"c1\"");
  }

  @Test
  void shouldDeriveTheSameIdFromTheSameInput() {
    String id = Alert.idOf(Rule.MISSED_DEADLINES, "s1", "c1", 1_000L);
    assertThat(id).hasSize(16).isEqualTo(Alert.idOf(Rule.MISSED_DEADLINES, "s1", "c1", 1_000L));
    assertThat(id).isNotEqualTo(Alert.idOf(Rule.MISSED_DEADLINES, "s1", "c1", 1_001L))
        .isNotEqualTo(Alert.idOf(Rule.NO_SUBMISSIONS, "s1", "c1", 1_000L));
  }

  @Test
  void shouldRefuseRecordsThatAreNotAlerts() {
    assertThatThrownBy(() -> AlertCodec.decode("{\"type\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertCodec.decode("nope".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldFormatATerminalLineWithoutPersonalData() {
    String line = AlertFormatter.line(resolution());
    assertThat(line).startsWith("2026-01-13T18:00:00Z RESOLVED")
        .contains("medium", "LOGIN_INACTIVE", "student=s1", "course=-", "inactiveDays=8.25",
            "[" + resolution().alertId() + "]");
  }

  /** The alert examples in docs/events.md are real records: each reads and writes back as shown. */
  @Test
  void shouldReadAndWriteTheDocumentedExamplesByteForByte() throws Exception {
    String doc = java.nio.file.Files.readString(java.nio.file.Path.of("docs/events.md"));
    java.util.List<String> examples =
        doc.lines().filter(l -> l.startsWith("{\"type\":\"alert_")).toList();
    assertThat(examples).hasSizeGreaterThanOrEqualTo(3);
    for (String line : examples) {
      Alert alert = AlertCodec.decode(line.getBytes(StandardCharsets.UTF_8));
      assertThat(new String(AlertCodec.encode(alert), StandardCharsets.UTF_8)).isEqualTo(line);
      assertThat(alert.alertId())
          .isEqualTo(Alert.idOf(alert.rule(), alert.studentId(), alert.courseId(),
              alert.openedAt().toEpochMilli()));
    }
  }
}
