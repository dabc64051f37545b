package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.stream.impl.HashUtils;
import coursepulse.engine.log.KeyRouting;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link KeyRouting} against the stream client's own hash, which super-stream producers use. */
class KeyRoutingTest {

  @Test
  void shouldHashLikeTheStreamClient() {
    List<String> keys =
        List.of("", "a", "ab", "abc", "abcd", "abcde", "student-42", "é", "Zürich-ß-日本", "0123456789");
    for (String key : keys) {
      assertThat(KeyRouting.hash(key)).as(key).isEqualTo(HashUtils.MURMUR3.applyAsInt(key));
    }
    for (int i = 0; i < 10_000; i++) {
      String key = "s" + i * 7919L;
      assertThat(KeyRouting.hash(key)).as(key).isEqualTo(HashUtils.MURMUR3.applyAsInt(key));
    }
  }

  @Test
  void shouldTakeTheHashModuloUnsigned() {
    String negative = "student-0";
    for (int i = 0; KeyRouting.hash(negative) >= 0; i++) {
      negative = "student-" + i;
    }

    assertThat(KeyRouting.partition(negative, 7))
        .isEqualTo(Integer.remainderUnsigned(HashUtils.MURMUR3.applyAsInt(negative), 7))
        .isNotNegative();
  }

  @Test
  void shouldRefuseNoPartitions() {
    assertThatThrownBy(() -> KeyRouting.partition("k", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
