package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over inputs whose readers cannot tell their end (a RabbitMQ reader whose question about the end
 * failed, or one quiet below an end it cannot reach), the merge needs the log to say whether an
 * empty input is at its end. It asks on a thread of its own: while the log takes its time, the
 * merge waits (a record of the empty input may be in the log, ahead of the buffered ones), and the
 * task thread stays free, so the engine closes in time.
 */
class EndQuestionTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path stateDir;

  private final EmbeddedStreamLog log = EmbeddedStreamLog.inMemory();
  private final SlowToAnswerLog slow = new SlowToAnswerLog(log);

  @BeforeEach
  void streams() {
    for (String s : List.of("in-a", "in-b", "out")) {
      log.createStream(s, Retention.unlimited());
    }
    TimestampedValues.append(log, "in-a", "a-0@10");
  }

  @AfterEach
  void closeLog() {
    slow.answer.countDown();
    log.close();
  }

  private StreamEngine engine() {
    return StreamEngine.builder()
        .applicationId("end-question")
        .topology(TimestampedValues.merge("out", "in-a", "in-b"))
        .log(slow)
        .stateDir(stateDir)
        .startFrom(OffsetSpec.first())
        .build();
  }

  @Test
  void shouldAskOffTheTaskThreadAndMergeOnceTheLogAnswers() throws Exception {
    try (StreamEngine engine = engine()) {
      engine.start();
      assertThat(slow.asked.await(10, TimeUnit.SECONDS)).as("the log was asked").isTrue();
      assertThat(slow.askedOn).startsWith("coursepulse-end-question-");

      Thread.sleep(300);
      assertThat(TimestampedValues.read(log, "out"))
          .as("a-0 waits: a record of in-b may still be in the log ahead of it")
          .isEmpty();

      slow.answer.countDown();
      assertThat(engine.awaitIdle(WAIT)).isTrue();
      assertThat(TimestampedValues.read(log, "out")).containsExactly("a-0@10");
    }
  }

  @Test
  void shouldCloseInTimeWhileTheLogHasNotAnswered() throws Exception {
    StreamEngine engine = engine();
    engine.start();
    assertThat(slow.asked.await(10, TimeUnit.SECONDS)).as("the log was asked").isTrue();

    long start = System.nanoTime();
    assertThat(engine.close(Duration.ofSeconds(10))).as("closed in time").isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(TimestampedValues.read(log, "out")).as("nothing merged without the answer").isEmpty();
    // The asking thread ends with the task, though the log never answered.
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (asking(slow.askedOn) && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(asking(slow.askedOn)).as("%s still alive", slow.askedOn).isFalse();
  }

  private static boolean asking(String threadName) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.isAlive() && t.getName().equals(threadName));
  }

  /**
   * Readers that answer {@code UNKNOWN} once they have handed out what they hold, and stats held
   * until the test lets them answer.
   */
  private static final class SlowToAnswerLog extends HeldAnswerLog {
    SlowToAnswerLog(StreamLog delegate) {
      super(delegate, "slow-end-answer");
    }

    @Override
    public LogReader reader(String stream, OffsetSpec from) {
      return new ForwardingLogReader(delegate.reader(stream, from)) {
        @Override
        public Catchup catchup() {
          Catchup c = delegate.catchup();
          return c == Catchup.CAUGHT_UP ? Catchup.UNKNOWN : c;
        }
      };
    }
  }
}
