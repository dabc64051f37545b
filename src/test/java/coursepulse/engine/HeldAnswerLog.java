package coursepulse.engine;

import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * A log whose {@code stats} wait until the test lets them answer ({@link #answer}), recording the
 * thread that asked: a broker slow to answer, to show that the engine's task thread never waits
 * on it.
 */
class HeldAnswerLog extends ForwardingStreamLog {
  final CountDownLatch answer = new CountDownLatch(1);
  final CountDownLatch asked = new CountDownLatch(1);
  volatile String askedOn;

  HeldAnswerLog(StreamLog delegate, String label) {
    super(delegate, label);
  }

  @Override
  public final Optional<StreamStats> stats(String stream) {
    askedOn = Thread.currentThread().getName();
    asked.countDown();
    try {
      answer.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return answered(stream);
  }

  /** What the log says once let; by default what the wrapped log says. */
  Optional<StreamStats> answered(String stream) {
    return delegate.stats(stream);
  }
}
