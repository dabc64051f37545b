package coursepulse.cli;

import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@link StreamsViewContract} on RabbitMQ 3.10: offsets from the stats probe. */
@ExtendWith(RabbitMqExtension.class)
class StreamsViewIT extends StreamsViewContract {

  private final RabbitVhost vhost;

  StreamsViewIT(RabbitVhost vhost) {
    this.vhost = vhost;
  }

  @Override
  protected RabbitVhost vhost() {
    return vhost;
  }
}
