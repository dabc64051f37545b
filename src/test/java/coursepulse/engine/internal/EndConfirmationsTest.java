package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.Consumed;
import coursepulse.engine.DeserializationExceptionHandler;
import coursepulse.engine.Serdes;
import coursepulse.engine.Topology;
import coursepulse.engine.TopologyAccess;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The log's answer about an input's end, asked off the task thread, counts only for the read
 * position it was asked at, and not at all once a message of the input arrived meanwhile: a
 * record the stream-time guard holds back leaves the read position where the question was asked,
 * and an answer from before it must not let the merge run past that input.
 */
class EndConfirmationsTest {

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();
  private final CountDownLatch answer = new CountDownLatch(1);
  private final CountDownLatch answered = new CountDownLatch(1);
  private StreamTask task;
  private EndConfirmations ends;

  @AfterEach
  void close() {
    answer.countDown();
    if (ends != null) {
      ends.close();
    }
    log.close();
  }

  /** A task reading "A" and "B", where "B" holds one message (offset 0) already taken. */
  private void start() {
    for (String s : List.of("A", "B")) {
      log.createStream(s, Retention.unlimited());
    }
    try (LogWriter w = log.writer("B", null)) {
      w.append(-1, "b-0".getBytes(StandardCharsets.UTF_8));
      w.flush(Duration.ofSeconds(10));
    }
    Topology t =
        new Topology()
            .addSource("a", "A", Consumed.<String, String>with(Serdes.String()))
            .addSource("b", "B", Consumed.<String, String>with(Serdes.String()));
    task = TestTasks.initialised(t);
    task.addRecord(1, 0, 0, "b-0".getBytes(StandardCharsets.UTF_8));
    assertThat(task.process()).isTrue();
    assertThat(task.nextOffset(1)).isEqualTo(1);
    StreamLog held =
        new coursepulse.engine.ForwardingStreamLog(log, "held") {
          @Override
          public Optional<StreamStats> stats(String stream) {
            try {
              answer.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            Optional<StreamStats> s = delegate.stats(stream);
            answered.countDown();
            return s;
          }

          @Override
          public LogReader reader(String stream, OffsetSpec from) {
            return delegate.reader(stream, from);
          }
        };
    EngineSettings settings =
        new EngineSettings(
            "ends", TopologyAccess.graph(t), held, null, Clock.systemUTC(), null, Duration.ZERO,
            OffsetSpec.first(), Duration.ofSeconds(30), 1_000, Duration.ofMillis(100),
            DeserializationExceptionHandler.logAndContinue(), Duration.ofSeconds(30),
            Duration.ZERO, Map.of(), Map.of(), Duration.ofSeconds(60), true);
    ends = new EndConfirmations(settings, TaskPlacement.whole(), task);
  }

  /** Lets the log answer, and waits until it has. */
  private void answerNow() throws InterruptedException {
    answer.countDown();
    assertThat(answered.await(10, TimeUnit.SECONDS)).isTrue();
  }

  /** Whether the end is confirmed within {@code wait} (it is read as soon as the answer is in). */
  private boolean confirmedWithin(Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (!ends.confirmed(1)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  @Test
  void shouldConfirmTheEndAtThePositionAskedAboutOnceTheLogAnswers() throws Exception {
    start();
    ends.askLog(1);
    assertThat(ends.confirmed(1)).as("not before the answer").isFalse();
    answerNow();
    assertThat(confirmedWithin(Duration.ofSeconds(10))).as("last offset 0, read position 1").isTrue();
  }

  @Test
  void shouldNotConfirmTheEndWithAnAnswerAskedBeforeAMessageArrived() throws Exception {
    start();
    ends.askLog(1);
    // The message at offset 1 arrives; the guard holds it, so the read position stays at 1.
    ends.messageArrived(1);
    answerNow();
    assertThat(confirmedWithin(Duration.ofMillis(500))).as("the answer predates the message").isFalse();
  }
}
