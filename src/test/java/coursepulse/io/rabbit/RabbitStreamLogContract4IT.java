package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamLogContract;
import coursepulse.testing.RabbitMq4Extension;
import coursepulse.testing.RabbitVhost;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs the {@link StreamLogContract} against the RabbitMQ 4 node ({@code .ci/rabbitmq4.sh}), where
 * {@code stats} uses the stream statistics command instead of the 3.10 probe: both broker
 * generations must honour the same contract.
 */
@ExtendWith(RabbitMq4Extension.class)
class RabbitStreamLogContract4IT extends StreamLogContract {

  private final RabbitVhost vhost;

  RabbitStreamLogContract4IT(RabbitVhost vhost) {
    this.vhost = vhost;
  }

  @Override
  protected StreamLog newLog() {
    RabbitStreamLog log = vhost.openLog();
    // Guard against a misconfigured URI silently pointing this suite at the 3.10 node.
    assertThat(log.supports(RabbitStreamLog.Feature.STREAM_STATS))
        .as("broker behind %s is %s", RabbitMq4Extension.URI_ENV, log.brokerVersion())
        .isTrue();
    return log;
  }

  @Override
  protected boolean lastOffsetIsExact() {
    return true; // RabbitMQ 4.0+ reports the committed offset
  }
}
