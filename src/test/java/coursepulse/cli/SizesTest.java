package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SizesTest {

  @Test
  void shouldReadDurationsWithAUnitOrInIsoForm() {
    assertThat(Sizes.duration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Sizes.duration(" 12H ")).isEqualTo(Duration.ofHours(12));
    assertThat(Sizes.duration("2w")).isEqualTo(Duration.ofDays(14));
    assertThat(Sizes.duration("PT5M")).isEqualTo(Duration.ofMinutes(5));
  }

  /** Help texts say "0 fails at once" or "0 disables": a bare 0 needs no unit. */
  @Test
  void shouldReadABareZeroAsNoTime() {
    assertThat(Sizes.duration("0")).isZero();
    assertThat(Sizes.duration("00")).isZero();
    assertThatThrownBy(() -> Sizes.duration("5"))
        .isInstanceOf(CommandLine.TypeConversionException.class)
        .hasMessageContaining("is not a duration")
        .hasMessageContaining("30s");
  }

  @Test
  void shouldReadSizes() {
    assertThat(Sizes.bytes("20gb")).isEqualTo(20L << 30);
    assertThat(Sizes.bytes("512")).isEqualTo(512);
    assertThatThrownBy(() -> Sizes.bytes("lots")).hasMessageContaining("is not a size");
  }
}
