package coursepulse.io.rabbit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.rabbitmq.stream.AuthenticationFailureException;
import com.rabbitmq.stream.StreamNotAvailableException;
import coursepulse.testing.CapturedLog;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Which failures a start-up call is tried again for, and for how long. The broker-backed case (a
 * node stopped while a stream is declared) is {@code BrokerRestartIT}.
 */
class PassingRetryTest {

  private final PassingRetry retry = new PassingRetry(Duration.ofMillis(300), Duration.ofMillis(20));

  @Test
  void shouldTryAgainWhileTheFailurePassesAndSayWhy() {
    AtomicInteger calls = new AtomicInteger();
    try (CapturedLog log = CapturedLog.of(PassingRetry.class)) {
      retry.run(
          "Creating stream 'a'",
          () -> {
            if (calls.incrementAndGet() < 3) {
              throw new StreamNotAvailableException("a");
            }
          });
      assertThat(calls).hasValue(3);
      assertThat(log.messages())
          .hasSize(2)
          .first()
          .asString()
          .startsWith("Creating stream 'a' failed (")
          .contains("attempt 1); retrying in ");
    }
  }

  @Test
  void shouldThrowAFailureThatDoesNotPassAtOnce() {
    assertThat(callsBeforeThrowing(new AuthenticationFailureException("refused"))).isEqualTo(1);
  }

  @Test
  void shouldThrowThePassingFailureOnceTheBudgetIsSpent() {
    // 300 ms of budget at 20 ms between attempts: more than one attempt, far fewer than unbounded
    assertThat(callsBeforeThrowing(new StreamNotAvailableException("a"))).isBetween(2, 16);
  }

  /** Runs a call that always throws {@code failure}; returns how often it was called. */
  private int callsBeforeThrowing(RuntimeException failure) {
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(
            () -> retry.run(
                "Creating stream 'a'",
                () -> {
                  calls.incrementAndGet();
                  throw failure;
                }))
        .isSameAs(failure);
    return calls.get();
  }
}
