package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/**
 * A mistyped {@code demo} option is refused before anything starts, naming the option: before,
 * {@code --speed abc}, 0 or -5 failed only after the engine had started, {@code --web-port -1} was
 * accepted (http://127.0.0.1:-1/), and {@code --metrics-bind 999.1.1.1} blamed --metrics-port.
 */
class DemoOptionsTest {

  @Test
  void shouldRefuseAMistypedOptionBeforeStartingAnything() {
    String[][] cases = {
      {"--speed", "abc", "cannot read speed 'abc': use simulated seconds per second"},
      {"--speed", "0", "speed must be > 0 or 'max', was 0.0"},
      {"--speed", "-5", "speed must be > 0 or 'max', was -5.0"},
      {"--web-port", "-1", "--web-port -1 is not a port: give one from 1 to 65535"},
      {"--metrics-port", "-1", "--metrics-port -1 is not a port"},
      {"--metrics-port", "70000", "--metrics-port 70000 is not a port"},
      {"--metrics-bind", "999.1.1.1", "--metrics-bind 999.1.1.1 is not an address of this machine"},
    };
    for (String[] c : cases) {
      StringWriter err = new StringWriter();
      int code =
          InProcess.run(
              err, "demo", "--students", "20", "--courses", "1", "--quiet", "--jdbc-url=",
              "--broker", "embedded", c[0], c[1]);
      assertThat(code).as("%s %s: %s", c[0], c[1], err).isNotZero();
      assertThat(err.toString())
          .as("%s %s", c[0], c[1])
          .contains(c[2])
          // nothing started: no simulation line, no engine
          .doesNotContain("students in 1 courses")
          .doesNotContain("metrics on http");
    }
  }
}
