package coursepulse.lms.risk;

import static coursepulse.lms.risk.RiskFixture.COURSE;
import static coursepulse.lms.risk.RiskFixture.day;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeverityTest {

  @Test
  void shouldGrowWithTheOpenAlertsUpToThreeWhenThreeOrMoreRulesAreOn() {
    assertThat(Severity.forOpenAlerts(1, 8)).isEqualTo(Severity.LOW);
    assertThat(Severity.forOpenAlerts(2, 8)).isEqualTo(Severity.MEDIUM);
    assertThat(Severity.forOpenAlerts(3, 8)).isEqualTo(Severity.HIGH);
    assertThat(Severity.forOpenAlerts(3, 3)).isEqualTo(Severity.HIGH);
    assertThat(Severity.forOpenAlerts(2, 3)).isEqualTo(Severity.MEDIUM);
  }

  @Test
  void shouldBeHighWhenEveryRuleOnAgreesAndFewerThanThreeAreOn() {
    assertThat(Severity.forOpenAlerts(1, 2)).isEqualTo(Severity.LOW);
    assertThat(Severity.forOpenAlerts(2, 2)).isEqualTo(Severity.HIGH);
    // one rule on: a student flagged in two courses at once
    assertThat(Severity.forOpenAlerts(1, 1)).isEqualTo(Severity.LOW);
    assertThat(Severity.forOpenAlerts(2, 1)).isEqualTo(Severity.HIGH);
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
