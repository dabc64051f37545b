package coursepulse.lms.risk;

import static coursepulse.lms.risk.RiskFixture.COURSE;
import static coursepulse.lms.risk.RiskFixture.day;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeverityTest {

  /**
   * Up to three open alerts when three or more rules are on; with fewer, every rule on agreeing
   * (at least two alerts: one rule on, a student flagged in two courses at once) is high.
   */
  @ParameterizedTest(name = "{0} open of {1} rules on: {2}")
  @CsvSource({
    "1, 8, LOW", "2, 8, MEDIUM", "3, 8, HIGH", "4, 8, HIGH",
    "2, 3, MEDIUM", "3, 3, HIGH",
    "1, 2, LOW", "2, 2, HIGH",
    "1, 1, LOW", "2, 1, HIGH"
  })
  void shouldGrowWithTheOpenAlertsRelativeToTheRulesOn(int open, int enabled, Severity expected) {
    assertThat(Severity.forOpenAlerts(open, enabled)).isEqualTo(expected);
  }

  @Test
  void shouldOpenTheSecondOfTwoRulesOnAsHigh() {
    RulesConfig two =
        RulesConfig.DEFAULTS.withOnly(Rule.LOGIN_INACTIVE, Rule.NO_SUBMISSIONS);
    try (RiskFixture f = new RiskFixture(two)) {
      f.enroll("s1", day(-2)).login("s1", day(0));
      f.assignment(COURSE, "a1", day(0), day(7)).assignment(COURSE, "a2", day(0), day(14));
      for (int d = 1; d <= 30; d++) {
        f.advanceTo(day(d));
      }
      assertThat(f.alerts("s1")).extracting(a -> a.rule() + ":" + a.severity())
          .containsExactly("LOGIN_INACTIVE:LOW", "NO_SUBMISSIONS:HIGH");
    }
  }
}
