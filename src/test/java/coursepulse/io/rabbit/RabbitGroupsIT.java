package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.UnsupportedByLogException;
import coursepulse.testing.GroupEvents;
import coursepulse.testing.RabbitMqExtension;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Consumer groups on the RabbitMQ 3.10 node: refused with the version needed. */
@ExtendWith(RabbitMqExtension.class)
class RabbitGroupsIT {

  @Test
  void shouldRefuseGroupsBeforeRabbitMq311(RabbitStreamLog log) {
    Assumptions.assumeFalse(log.supports(RabbitStreamLog.Feature.SINGLE_ACTIVE_CONSUMER));

    assertThatThrownBy(() -> log.joinGroup("app", "02-Login", new GroupEvents().listener("a")))
        .isInstanceOf(UnsupportedByLogException.class)
        .hasMessageContaining("RabbitMQ 3.11 or newer is needed for single active consumer")
        .hasMessageNotContaining("guest:guest");
  }
}
