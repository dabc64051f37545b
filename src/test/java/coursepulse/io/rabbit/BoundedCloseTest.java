package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class BoundedCloseTest {

  @Test
  // Not a speed limit: a close that holds the caller never returns, and this turns that hang into
  // a failure (run() itself gives up after BoundedClose.WAIT, 5 s).
  @Timeout(60)
  void shouldReturnWhileACloseIsStillStuck() {
    CountDownLatch never = new CountDownLatch(1);
    AtomicBoolean started = new AtomicBoolean();
    BoundedClose.run(
        "stuck test resource",
        () -> {
          started.set(true);
          try {
            never.await(); // a close waiting on a recovery that does not end
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    assertThat(started).isTrue();
    assertThat(never.getCount()).as("the close is still waiting, the caller is not").isEqualTo(1);
    never.countDown();
  }

  @Test
  @Timeout(60)
  void shouldNotWaitAtAllInTheBackgroundAndStillRunTheCloseToItsEnd() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch ended = new CountDownLatch(1);
    BoundedClose.inBackground(
        "abandoned test resource",
        () -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          ended.countDown();
        });
    assertThat(ended.getCount()).as("the caller is back before the close ends").isEqualTo(1);
    release.countDown();
    assertThat(ended.await(30, TimeUnit.SECONDS)).as("the close ran to its end").isTrue();
  }

  @Test
  void shouldRunTheCloseToItsEndAndSwallowItsFailure() {
    AtomicBoolean closed = new AtomicBoolean();
    BoundedClose.run("closed test resource", () -> closed.set(true));
    assertThat(closed).isTrue();
    BoundedClose.run(
        "failing test resource",
        () -> {
          throw new IllegalStateException("connection already gone");
        });
  }
}
