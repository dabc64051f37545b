package coursepulse.lms.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PersonaMixTest {

  @Test
  void shouldRefuseNonFiniteShares() {
    for (String mix : new String[] {"engaged=Infinity", "ghost=NaN", "engaged=1,ghost=-Infinity"}) {
      assertThatThrownBy(() -> PersonaMix.parse(mix))
          .as(mix)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("must be a finite number >= 0");
    }
  }

  @Test
  void shouldRefuseSharesWhoseTotalIsNotFinite() {
    assertThatThrownBy(() -> PersonaMix.parse("engaged=1e308,ghost=1e308"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("add up to more than a double holds");
  }

  @Test
  void shouldNormaliseLargeFiniteShares() {
    PersonaMix mix = PersonaMix.parse("engaged=3e307,ghost=1e307");
    assertThat(mix.share(Persona.ENGAGED)).isEqualTo(0.75, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(mix.share(Persona.GHOST)).isEqualTo(0.25, org.assertj.core.data.Offset.offset(1e-12));
  }
}
