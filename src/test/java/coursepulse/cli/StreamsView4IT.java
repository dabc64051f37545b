package coursepulse.cli;

import coursepulse.testing.RabbitMq4Extension;
import coursepulse.testing.RabbitVhost;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link StreamsViewContract} on RabbitMQ 4.0: offsets from the stream statistics command, whose
 * last offset is the stored consumer offset written after the newest message.
 */
@ExtendWith(RabbitMq4Extension.class)
class StreamsView4IT extends StreamsViewContract {

  private final RabbitVhost vhost;

  StreamsView4IT(RabbitVhost vhost) {
    this.vhost = vhost;
  }

  @Override
  protected RabbitVhost vhost() {
    return vhost;
  }
}
