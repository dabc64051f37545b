package coursepulse.lms.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Pacer#stop()} ends a feed from another thread (demo's Ctrl-C hook), whether the pacer is
 * waiting for an event's time or runs unlimited, without interrupting the publishing thread.
 */
class PacerTest {

  @Test
  void shouldEndAWaitForAnEventAnHourAheadWhenStopped() throws Exception {
    Pacer pacer = Pacer.of(1); // one simulated second per second
    pacer.await(0);
    CompletableFuture<Throwable> waiting =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                pacer.await(3_600);
                return null;
              } catch (Throwable t) {
                return t;
              }
            });
    Thread.sleep(100);
    assertThat(waiting).isNotDone();
    long t0 = System.nanoTime();
    pacer.stop();
    assertThat(waiting.get(5, TimeUnit.SECONDS)).isInstanceOf(Pacer.Stopped.class);
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
  }

  @Test
  void shouldStopAnUnlimitedFeedAtItsNextEvent() {
    Pacer pacer = Pacer.unlimited();
    pacer.await(1);
    pacer.stop();
    assertThatThrownBy(() -> pacer.await(2)).isInstanceOf(Pacer.Stopped.class);
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }
}
