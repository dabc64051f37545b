package coursepulse.io.rabbit;

import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamLogContract;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the {@link StreamLogContract} against RabbitMQ Streams, in a fresh virtual host. {@code
 * stats} reports the exact last offset on every version (3.10 by a probe, 3.11+ by the statistics
 * command, completed by the probe where the broker omits the committed offset).
 */
@ExtendWith(RabbitMqExtension.class)
class RabbitStreamLogContractIT extends StreamLogContract {

  private final RabbitVhost vhost;

  RabbitStreamLogContractIT(RabbitVhost vhost) {
    this.vhost = vhost;
  }

  @Override
  protected StreamLog newLog() {
    return vhost.openLog();
  }

  @Override
  protected boolean lastOffsetIsExact() {
    return true;
  }
}
