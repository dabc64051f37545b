package coursepulse.lms.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CourseFilterTest {

  @Test
  void shouldSelectPresentationsByGlob() {
    CourseFilter october = CourseFilter.parse("*-2013J");
    assertThat(october.test("AAA-2013J")).isTrue();
    assertThat(october.test("AAA-2013B")).isFalse();
    assertThat(october.test("AAA-2013J-x")).isFalse();
    CourseFilter modules = CourseFilter.parse("?AA-2013*");
    assertThat(modules.test("AAA-2013B")).isTrue();
    assertThat(modules.test("BBB-2013B")).isFalse();
  }

  @Test
  void shouldSelectAListOfIdsTakingDotsAndBracketsLiterally() {
    CourseFilter f = CourseFilter.parse(" AAA-2013J, c.1[x] ");
    assertThat(f.test("AAA-2013J")).isTrue();
    assertThat(f.test("c.1[x]")).isTrue();
    assertThat(f.test("cx1[x]")).isFalse();
    assertThat(f.test("BBB-2013J")).isFalse();
    assertThat(f.description()).isEqualTo("AAA-2013J,c.1[x]");
  }

  @Test
  void shouldSelectEverythingWhenEmptyAndRefuseEmptyEntries() {
    assertThat(CourseFilter.parse(null).test("anything")).isTrue();
    assertThat(CourseFilter.parse(" ").description()).isEqualTo("all courses");
    assertThatThrownBy(() -> CourseFilter.parse("AAA-2013J,,BBB-2013J"))
        .hasMessageContaining("empty entry");
  }
}
