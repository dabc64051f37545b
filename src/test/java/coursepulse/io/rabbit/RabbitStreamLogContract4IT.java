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

  /**
   * Issue 20 (an idle engine must not spin): where the broker does not report the committed
   * offset (4.0.5), the last offset needs a probe connection; it is reused while nothing was
   * committed, and a new chunk (a message or a stored offset) is seen at once.
   */
  @org.junit.jupiter.api.Test
  void shouldProbeTheLastOffsetOnlyWhenSomethingWasCommitted() {
    try (RabbitStreamLog log = vhost.openLog()) {
      String stream = RabbitVhost.uniqueStream("probe");
      log.createStream(stream, coursepulse.engine.log.Retention.unlimited());
      append(log, stream, 1, 5);
      coursepulse.engine.log.StreamStats first = log.stats(stream).orElseThrow();
      int probes = log.probeCount();

      assertThat(log.stats(stream)).contains(first);
      assertThat(log.stats(stream)).contains(first);
      assertThat(log.probeCount()).as("no probe while nothing was committed").isEqualTo(probes);

      log.storeOffset("probe-app", stream, first.lastOffset());
      append(log, stream, 6, 1);
      assertThat(log.stats(stream).orElseThrow().lastOffset())
          .as("a stored offset and a message later")
          .isEqualTo(first.lastOffset() + 2);
    }
  }

  /**
   * A stored consumer offset takes an offset of the stream in a chunk of its own that no reader is
   * given: the last offset is still that of the newest message, or every reader would wait for an
   * offset it never receives (each restart on 4.0.5 stood still for seconds).
   */
  @org.junit.jupiter.api.Test
  void shouldReportTheNewestMessageAndNotAStoredOffsetAfterIt() throws InterruptedException {
    try (RabbitStreamLog log = vhost.openLog()) {
      String stream = RabbitVhost.uniqueStream("tail");
      log.createStream(stream, coursepulse.engine.log.Retention.unlimited());
      append(log, stream, 1, 5);
      long newest = log.stats(stream).orElseThrow().lastOffset();
      log.storeOffset("some-app", stream, newest);
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (log.queryOffset("some-app", stream).orElse(-1) != newest) {
        assertThat(System.nanoTime()).as("the stored offset is visible").isLessThan(deadline);
        Thread.sleep(20);
      }
      assertThat(log.stats(stream).orElseThrow().lastOffset())
          .as("the newest message's offset, not the stored offset's entry after it")
          .isEqualTo(newest);
    }
  }

  private static void append(RabbitStreamLog log, String stream, long firstId, int n) {
    try (coursepulse.engine.log.LogWriter w = log.writer(stream, "probe-writer")) {
      for (int i = 0; i < n; i++) {
        w.append(firstId + i, ("m" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      w.flush(java.time.Duration.ofSeconds(30));
    }
  }
}
