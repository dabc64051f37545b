package coursepulse.lms.publish;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.ForwardingLogWriter;
import coursepulse.engine.ForwardingStreamLog;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The publisher on the embedded log, with one stream that stops confirming. */
class EventPublisherTest {

  private static final int PER_STREAM = 2_000;

  private final EmbeddedStreamLog embedded = EmbeddedStreamLog.inMemory();

  @AfterEach
  void close() {
    embedded.close();
  }

  @Test
  void shouldNotRunAheadOnOtherStreamsWhileOneStopsConfirming() throws Exception {
    CountDownLatch waiting = new CountDownLatch(1);
    CountDownLatch confirm = new CountDownLatch(1);
    StreamLog log =
        new ForwardingStreamLog(embedded, "one stalled stream") {
          @Override
          public LogWriter writer(String stream, String producerName) {
            LogWriter w = delegate.writer(stream, producerName);
            return stream.equals(StreamNames.ENROLLMENT) ? new Unconfirmed(w, waiting, confirm) : w;
          }
        };
    // 10,000 simulated seconds per second, an event a second: about 0.6 s of wall-clock time
    EventPublisher publisher = new EventPublisher(Pacer.of(10_000), p -> {});
    CompletableFuture<Progress> run =
        CompletableFuture.supplyAsync(() -> publisher.publish(new RoundRobin(), "feed", log));

    assertThat(waiting.await(30, TimeUnit.SECONDS)).as("the publisher waits for confirms").isTrue();
    long activity = count(StreamNames.ACTIVITY);
    Thread.sleep(3 * EventPublisher.SYNC_INTERVAL.toMillis());
    assertThat(count(StreamNames.ACTIVITY))
        .as("nothing more reaches 03-Activity while 01-Enrollment has not confirmed")
        .isEqualTo(activity)
        .isLessThan(PER_STREAM);
    assertThat(run).isNotDone();

    confirm.countDown();
    Progress done = run.get(30, TimeUnit.SECONDS);
    assertThat(done.done()).isTrue();
    for (String stream : StreamNames.INPUTS) {
      assertThat(count(stream)).as(stream).isEqualTo(PER_STREAM);
    }
  }

  private long count(String stream) {
    return embedded.stats(stream).map(s -> s.lastOffset() + 1).orElse(0L);
  }

  /** Appends go through; confirms (a flush) wait until the test lets them. */
  private static final class Unconfirmed extends ForwardingLogWriter {
    private final CountDownLatch waiting;
    private final CountDownLatch confirm;

    Unconfirmed(LogWriter delegate, CountDownLatch waiting, CountDownLatch confirm) {
      super(delegate);
      this.waiting = waiting;
      this.confirm = confirm;
    }

    @Override
    public void flush(Duration timeout) {
      waiting.countDown();
      try {
        confirm.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      delegate.flush(timeout);
    }
  }

  /** Events on the three streams in turn, a simulated second apart. */
  private static final class RoundRobin implements EventSource, PublishableEvent {
    private int next;

    @Override
    public PublishableEvent next() {
      return next++ < 3 * PER_STREAM ? this : null;
    }

    @Override
    public int streamIndex() {
      return (next - 1) % 3;
    }

    @Override
    public long sequence() {
      return (next - 1) / 3;
    }

    @Override
    public long epochSecond() {
      return 1_790_000_000L + next;
    }

    @Override
    public String studentId() {
      return "s-" + (next % 7);
    }

    @Override
    public byte[] toJson() {
      return ("{\"n\":" + next + "}").getBytes(StandardCharsets.UTF_8);
    }
  }
}
