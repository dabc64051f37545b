package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The feature map of a student-course-day: its names, which are left out, and their order. */
class FeaturesTest {

  private static final Features.Cohort COHORT = new Features.Cohort(10, 2, 40, 1, 0.8);

  @Test
  void shouldLeaveOutWhatHasNothingToSayAndIterateInTheOrderItWasFilled() {
    StudentCourse sc = new StudentCourse();
    Features.Own own =
        new Features.Own(2, 5, 3, 12, 0, 0.5, 0, 0, 0, 0, 0, 0.2, 0.3, 0.7, 0.25, 0.1);

    Map<String, Double> f = Features.of(21, own, sc, COHORT, new WorkSignal.Summary(0, 0, 0));

    // no work due and no grade: the shares and the grade features are absent, not zero
    assertThat(f).doesNotContainKeys(
        Features.MISSED_SHARE, Features.SCORE_VS_CLASS, Features.UNSUBMITTED_SHARE,
        Features.EARNED_SHARE, Features.SCORE_MEAN, Features.SCORE_CLASS_MEDIAN);
    assertThat(f.get(Features.MISSED_SHARE)).isNull();
    assertThat(f.get("no such feature")).isNull();
    assertThat(f).containsEntry(Features.ACTIVE_7, 2.0).containsEntry(Features.DUE, 0.0)
        .containsEntry(Features.DAYS_SINCE_PCT, 0.7).containsEntry(Features.COURSE_DAY, 21.0);
    assertThat(f.get(Features.LOG_COURSE_WEEK)).isEqualTo(Math.log(3));
    assertThat(f).hasSize(25);
    List<String> names = new ArrayList<>(f.keySet());
    assertThat(names.subList(0, 6)).containsExactly(
        Features.ACTIVE_28_PCT, Features.ACTIVE_7_PCT, Features.DAYS_SINCE_PCT,
        Features.CLICKS_14_PCT, Features.SUBMITTED_PCT, Features.LOG_COURSE_WEEK);
    assertThat(names).endsWith(Features.DUE_RECENT, Features.MISSED_RECENT);
  }

  @Test
  void shouldEqualAnOrdinaryMapWithTheSameEntriesAndRefuseChanges() {
    StudentCourse sc = new StudentCourse();
    sc.missed = 1;
    Features.Own own =
        new Features.Own(0, 1, 9, 0, 1, 0.9, 1, 0.4, 0.7, 2, 1, 0.1, 0.1, 0.9, 0.1, 0.4);

    Map<String, Double> f = Features.of(30, own, sc, COHORT, new WorkSignal.Summary(3, 1, 0.5));
    Map<String, Double> copy = new LinkedHashMap<>(f);

    assertThat(f).hasSize(31).isEqualTo(copy).hasSameHashCodeAs(copy);
    assertThat(f.toString()).isEqualTo(copy.toString());
    assertThat(f).containsEntry(Features.MISSED_SHARE, 1.0)
        .containsEntry(Features.SCORE_VS_CLASS, (0.4 - 0.7) * 5)
        .containsEntry(Features.UNSUBMITTED_SHARE, 1 / 3.0)
        .containsEntry(Features.SCORE_MEAN, 40.0);
    assertThatThrownBy(() -> f.put(Features.DUE, 1.0))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void shouldGoToA05RiskRecordAsItIsAndBeWrittenAsAnOrdinaryMapIs() throws Exception {
    StudentCourse sc = new StudentCourse();
    sc.missed = 2;
    Features.Own own =
        new Features.Own(1, 3, 4, 7, 2, 0.6, 1, 0.55, 0.71, 3, 2, 0.3, 0.2, 0.6, 0.15, 0.35);
    Map<String, Double> f = Features.of(44, own, sc, COHORT, new WorkSignal.Summary(4, 2, 0.25));
    Map<String, Double> copy = new LinkedHashMap<>(f);

    List<String> visited = new ArrayList<>();
    Features.forEach(f, (name, value) -> visited.add(name + "=" + value));
    List<String> ordinary = new ArrayList<>();
    Features.forEach(copy, (name, value) -> ordinary.add(name + "=" + value));
    assertThat(visited).hasSize(31).isEqualTo(ordinary);

    assertThat(Features.readOnly(f)).isSameAs(f); // read-only already: no copy per record
    Map<String, Double> fromCopy = Features.readOnly(copy);
    assertThat(fromCopy).isNotSameAs(copy).isEqualTo(copy);
    copy.put(Features.DUE, 99.0);
    assertThat(fromCopy.get(Features.DUE)).isEqualTo(f.get(Features.DUE)); // a copy, not a view

    java.time.Instant at = java.time.Instant.parse("2013-11-21T00:00:00Z");
    RiskScore withValues = new RiskScore("s", "c", at, 0.5, List.of(), f, "m@1");
    RiskScore withCopy = new RiskScore("s", "c", at, 0.5, List.of(), new LinkedHashMap<>(f), "m@1");
    assertThat(RiskScoreCodec.encode(withValues)).isEqualTo(RiskScoreCodec.encode(withCopy));
    assertThat(withValues).isEqualTo(withCopy);
  }
}
