package coursepulse.lms.sink;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.Rule;
import coursepulse.lms.risk.Severity;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AlertRowTest {

  private static final Instant OPENED = Instant.parse("2026-10-11T01:17:47Z");
  private static final Instant RESOLVED = Instant.parse("2026-10-14T08:02:11Z");

  @Test
  void shouldEndInTheSameRowWhenTheResolutionComesBeforeTheOpening() {
    AlertRow inOrder = AlertRow.of(opening(), 10).merge(AlertRow.of(resolution(), 11));
    AlertRow reversed = AlertRow.of(resolution(), 11).merge(AlertRow.of(opening(), 10));

    assertThat(reversed).isEqualTo(inOrder);
    assertThat(inOrder.resolvedAt()).isEqualTo(RESOLVED);
    assertThat(inOrder.evidenceJson())
        .isEqualTo("{\"inactiveDays\":7.00,\"thresholdDays\":7.00,\"lastLoginAt\":null}");
    assertThat(inOrder.resolutionJson()).isEqualTo("{\"reason\":\"login\",\"inactiveDays\":10.28}");
    assertThat(inOrder.lastOffset()).isEqualTo(11);
  }

  @Test
  void shouldLeaveTheRowUnchangedWhenARecordIsAppliedTwice() {
    AlertRow once = AlertRow.of(opening(), 3).merge(AlertRow.of(resolution(), 4));

    assertThat(once.merge(AlertRow.of(opening(), 3))).isEqualTo(once);
    assertThat(once.merge(AlertRow.of(resolution(), 4))).isEqualTo(once);
  }

  @Test
  void shouldFoldABatchIntoOneRowPerAlertInOrderOfFirstAppearance() {
    Alert other =
        new Alert(Alert.Type.OPENED, "00000000000000ff", Rule.NO_SUBMISSIONS, Severity.MEDIUM,
            "s-0000013", "c-007", OPENED, null, Map.of("thresholdDays", 14L), "default-1");
    List<Map.Entry<Long, Alert>> batch = new ArrayList<>();
    batch.add(new AbstractMap.SimpleImmutableEntry<>(0L, opening()));
    batch.add(new AbstractMap.SimpleImmutableEntry<>(1L, other));
    batch.add(new AbstractMap.SimpleImmutableEntry<>(2L, resolution()));

    List<AlertRow> rows = new ArrayList<>(AlertRow.fold(batch));

    assertThat(rows).extracting(AlertRow::alertId)
        .containsExactly("2d9549433aae3a31", "00000000000000ff");
    assertThat(rows.get(0).resolvedAt()).isEqualTo(RESOLVED);
    assertThat(rows.get(1).resolvedAt()).isNull();
    assertThat(rows.get(1).courseId()).isEqualTo("c-007");
  }

  private static Alert opening() {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("inactiveDays", new BigDecimal("7.00"));
    evidence.put("thresholdDays", new BigDecimal("7.00"));
    evidence.put("lastLoginAt", null);
    return new Alert(Alert.Type.OPENED, "2d9549433aae3a31", Rule.LOGIN_INACTIVE, Severity.LOW,
        "s-0000012", null, OPENED, null, evidence, "default-1");
  }

  private static Alert resolution() {
    Map<String, Object> evidence = new LinkedHashMap<>();
    evidence.put("reason", "login");
    evidence.put("inactiveDays", new BigDecimal("10.28"));
    return new Alert(Alert.Type.RESOLVED, "2d9549433aae3a31", Rule.LOGIN_INACTIVE, Severity.LOW,
        "s-0000012", null, OPENED, RESOLVED, evidence, "default-1");
  }
}
