package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.Retention;
import coursepulse.engine.log.UnsupportedByLogException;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.StringWriter;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * On RabbitMQ 3.10 (the default broker, Debian 12's package) {@code --partitions N} fails with one
 * line naming the version needed, and declares nothing.
 */
@ExtendWith(RabbitMqExtension.class)
class SuperStreamsRefusalIT {

  @Test
  void shouldRefusePartitionsOnRabbitMq310WithOneLineNamingTheVersionNeeded(RabbitVhost vhost) {
    assumeOldBroker(vhost);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int code =
        SuperStreamsCommand4IT.run(out, err, "--uri", vhost.uri(), "--create", "--partitions", "3");

    assertThat(code).isEqualTo(ErrorHandler.EXIT_LOG_ERROR);
    assertThat(err.toString().strip().lines())
        .singleElement()
        .asString()
        .startsWith("coursepulse: RabbitMQ 3.11 or newer is needed for super streams")
        .contains("runs 3.10")
        .doesNotContain("guest:guest");
    try (RabbitStreamLog log = vhost.openLog()) {
      for (String stream : StreamNames.ALL) {
        assertThat(log.streamExists(stream)).as("%s left undeclared", stream).isFalse();
      }
    }
  }

  @Test
  void shouldRefuseToCreateASuperStreamOnRabbitMq310(RabbitStreamLog log) {
    Assumptions.assumeFalse(
        log.supports(RabbitStreamLog.Feature.SUPER_STREAMS), "broker is " + log.brokerVersion());

    assertThatThrownBy(() -> log.createSuperStream("s", 2, Retention.unlimited()))
        .isInstanceOf(UnsupportedByLogException.class)
        .hasMessageContaining("3.11");
    assertThat(log.superStreamPartitions("s")).isEmpty();
  }

  private static void assumeOldBroker(RabbitVhost vhost) {
    try (RabbitStreamLog log = vhost.openLog()) {
      Assumptions.assumeFalse(
          log.supports(RabbitStreamLog.Feature.SUPER_STREAMS),
          "the default broker is " + log.brokerVersion() + ": the 3.10 refusal cannot be shown");
    }
  }
}
