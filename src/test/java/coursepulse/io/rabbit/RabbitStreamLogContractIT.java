package coursepulse.io.rabbit;

import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamLogContract;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the {@link StreamLogContract} against RabbitMQ Streams, in a fresh virtual host. On RabbitMQ
 * 3.11 to 3.13 the last offset reported by {@code stats} is the first offset of the newest chunk;
 * 3.10 (probe) and 4.0+ (committed offset) report the exact last offset.
 */
@ExtendWith(RabbitMqExtension.class)
class RabbitStreamLogContractIT extends StreamLogContract {

  private final RabbitVhost vhost;
  private BrokerVersion version;

  RabbitStreamLogContractIT(RabbitVhost vhost) {
    this.vhost = vhost;
  }

  @Override
  protected StreamLog newLog() {
    RabbitStreamLog log = vhost.openLog();
    version = log.brokerVersion();
    return log;
  }

  @Override
  protected boolean lastOffsetIsExact() {
    return version == null || !version.atLeast(3, 11) || version.atLeast(4, 0);
  }
}
