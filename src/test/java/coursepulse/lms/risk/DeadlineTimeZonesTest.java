package coursepulse.lms.risk;

import static coursepulse.lms.risk.RiskFixture.COURSE;
import static coursepulse.lms.risk.RiskFixture.day;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Due times written in a course's own time zone are judged at the instant they name. */
class DeadlineTimeZonesTest {

  /** One missed deadline is an alert, and the grace is one hour, so minutes decide. */
  private static final RulesConfig ONE_MISS_ONE_HOUR_GRACE =
      RulesConfig.of(null, null, null, null, RulesConfig.MissedDeadlines.of(true, 1, 1.0), null)
          .withOnly(Rule.MISSED_DEADLINES);

  @Test
  void shouldJudgeADueTimeWrittenWithAUtcOffsetAtTheInstantItNames() {
    try (RiskFixture f = new RiskFixture(ONE_MISS_ONE_HOUR_GRACE)) {
      f.enroll("on-time", day(-2)).enroll("after-grace", day(-2));
      // As an LMS in California writes it: 23:59 on 1 March at -08:00 is 07:59 UTC on 2 March.
      // Read as 23:59 UTC, both submissions below would be past the grace.
      f.activityJson(
          """
          {"type":"assignment_created","eventId":"a1-created","schemaVersion":1,\
          "occurredAt":"2026-02-20T09:00:00-08:00","courseId":"c-101","assignmentId":"a1",\
          "dueAt":"2026-03-01T23:59:00-08:00","pointsPossible":10}""",
          Instant.parse("2026-02-20T17:00:00Z"));
      f.submit("on-time", COURSE, "a1", Instant.parse("2026-03-02T07:30:00Z"));
      f.submit("after-grace", COURSE, "a1", Instant.parse("2026-03-02T09:00:00Z"));
      f.advanceTo(Instant.parse("2026-03-03T00:00:00Z"));

      assertThat(f.alerts("on-time")).isEmpty();
      List<Alert> missed =
          f.alerts("after-grace").stream().filter(a -> a.type() == Alert.Type.OPENED).toList();
      assertThat(missed).singleElement().satisfies(a -> {
        assertThat(a.rule()).isEqualTo(Rule.MISSED_DEADLINES);
        assertThat(a.openedAt()).isEqualTo(Instant.parse("2026-03-02T08:59:00Z")); // due + 1 h
        assertThat(a.evidence()).containsEntry("dueAt", "2026-03-02T07:59:00Z")
            .containsEntry("assignmentId", "a1");
        assertThat(a.factors()).containsExactly("missed the last deadline");
      });
    }
  }
}
