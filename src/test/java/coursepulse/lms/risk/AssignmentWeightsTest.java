package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AssignmentWeightsTest {

  @Test
  void shouldKeepDeclaredWeightsByIndexAndUnknownOnes() {
    AssignmentWeights w = AssignmentWeights.NONE.with(0, 10.0).with(2, 60.0);
    assertThat(w.weight(0)).isEqualTo(10.0);
    assertThat(w.weight(1)).isEqualTo(AssignmentWeights.UNKNOWN); // the gap
    assertThat(w.weight(2)).isEqualTo(60.0);
    assertThat(w.weight(7)).isEqualTo(AssignmentWeights.UNKNOWN);
    assertThat(w.with(1, null).weight(1)).isEqualTo(AssignmentWeights.UNKNOWN);
    assertThat(w.with(1, -5.0).weight(1)).isEqualTo(AssignmentWeights.UNKNOWN);
    assertThat(w.with(1, 0.0).weight(1)).isZero();
    assertThat(AssignmentWeights.NONE.weight(0)).isEqualTo(AssignmentWeights.UNKNOWN);
  }

  @Test
  void shouldRoundTripThroughItsSerdeAndRefuseAnotherFormat() {
    AssignmentWeights w = AssignmentWeights.NONE.with(0, 12.5).with(3, 0.0);
    byte[] bytes = AssignmentWeights.SERDE.serialize(w);
    AssignmentWeights back = AssignmentWeights.SERDE.deserialize(bytes);
    for (int i = 0; i < 5; i++) {
      assertThat(back.weight(i)).isEqualTo(w.weight(i));
    }
    assertThat(AssignmentWeights.SERDE.serialize(back)).isEqualTo(bytes);
    bytes[0] = 9;
    assertThatThrownBy(() -> AssignmentWeights.SERDE.deserialize(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("format");
  }
}
