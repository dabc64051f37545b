package coursepulse.lms.quality;

import static coursepulse.lms.outcome.FinalResult.FAIL;
import static coursepulse.lms.outcome.FinalResult.PASS;
import static coursepulse.lms.outcome.FinalResult.WITHDRAWN;
import static coursepulse.lms.quality.QualityFixture.day;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.outcome.Outcome;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CohortTest {

  @Test
  void shouldJoinEnrolmentsWithOutcomesOfTheSelectedCoursesOnly() {
    QualityFixture f = new QualityFixture()
        .pair("b", "AAA-2013J", PASS, null)
        .pair("a", "AAA-2013J", FAIL, null)
        .pair("a", "AAA-2013B", PASS, null)
        .pair("c", "BBB-2013J", WITHDRAWN, 0.0); // left at the start itself: apart
    f.outcomes.add(new Outcome("ghost", "BBB-2013J", PASS, null)); // no enrolment
    f.outcomes.remove(0); // b's outcome is missing
    Cohort.Builder b = Cohort.builder(CourseFilter.parse("*-2013J"));
    f.enrolments.forEach(b::enrollment);
    b.enrollment("garbage".getBytes(StandardCharsets.UTF_8));
    Cohort cohort = b.build(f.outcomes);

    assertThat(cohort.pairs()).extracting(p -> p.studentId() + "@" + p.courseId())
        .containsExactly("a@AAA-2013J");
    assertThat(cohort.counts()).isEqualTo(new Cohort.Counts(1, 0, 1, 0, 0, 1, 1, 1, 1));
    assertThat(cohort.courses()).isEqualTo("*-2013J");
  }

  @Test
  void shouldDateAWithdrawalByTheOutcomeElseTheDropElseTheCourseEnd() {
    QualityFixture f = new QualityFixture()
        .pair("outcome", "C", WITHDRAWN, 20.0)
        .pair("drop", "C", WITHDRAWN, 30.0)
        .pair("none", "C", WITHDRAWN, null)
        .pair("failed", "C", FAIL, null);
    f.outcomes.set(1, new Outcome("drop", "C", WITHDRAWN, null));
    // a failed student who unregistered is not enrolled after the drop either
    f.enrolments.add(new EnrollmentDropped("x", 1, day(40), "failed", "C", "withdrawn"));
    Cohort cohort = f.cohort();

    assertThat(cohort.pairs()).extracting(StudentCourse::studentId, StudentCourse::leftAt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("drop", day(30)),
            org.assertj.core.groups.Tuple.tuple("failed", day(40)),
            org.assertj.core.groups.Tuple.tuple("none", QualityFixture.END),
            org.assertj.core.groups.Tuple.tuple("outcome", day(20)));
    assertThat(cohort.counts().withdrawnUndated()).isEqualTo(1);
  }

  @Test
  void shouldRefuseTwoOutcomesForOnePair() {
    QualityFixture f = new QualityFixture().pair("a", "C", PASS, null);
    f.outcomes.add(new Outcome("a", "C", FAIL, null));
    assertThatThrownBy(f::cohort).hasMessageContaining("two lines for a in C");
  }
}
