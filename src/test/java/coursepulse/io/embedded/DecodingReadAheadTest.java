package coursepulse.io.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader.Catchup;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * An embedded reader given a decoder ({@code LogReader#decodeOnArrival}) reads ahead and decodes on
 * a thread of its own ({@link DecodingReadAhead}): what it hands over, in which order, what it says
 * about the stream's end meanwhile, and how it ends. On a one-core machine it declines, and the
 * messages come as they are.
 */
class DecodingReadAheadTest {

  private static final boolean READS_AHEAD = Runtime.getRuntime().availableProcessors() >= 2;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void shouldHandOverEveryMessageDecodedAndInOrder() {
    try (EmbeddedStreamLog log = EmbeddedStreamLog.builder().readerBufferSize(16).build()) {
      log.createStream("s", Retention.unlimited());
      append(log, 0, 1_000);
      try (EmbeddedReader reader = (EmbeddedReader) log.reader("s", OffsetSpec.first())) {
        assertThat(reader.decodeOnArrival(m -> "decoded " + body(m))).isEqualTo(READS_AHEAD);

        List<LogMessage> all = take(reader, 1_000);

        assertThat(all).extracting(LogMessage::offset).containsExactlyElementsOf(offsets(0, 1_000));
        for (LogMessage m : all) {
          assertThat(m.decoded()).isEqualTo(READS_AHEAD ? "decoded " + body(m) : null);
        }
        awaitCaughtUp(reader);
        append(log, 1_000, 1_001);
        assertThat(take(reader, 1).get(0).offset()).isEqualTo(1_000L);
      }
    }
  }

  @Test
  void shouldNotSayCaughtUpWhileMessagesAreBeingDecoded() throws Exception {
    CountDownLatch decoding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    try (EmbeddedStreamLog log = EmbeddedStreamLog.builder().readerBufferSize(5).build()) {
      log.createStream("s", Retention.unlimited());
      append(log, 0, 10);
      try (EmbeddedReader reader = (EmbeddedReader) log.reader("s", OffsetSpec.first())) {
        boolean ahead =
            reader.decodeOnArrival(
                m -> {
                  if (m.offset() == 5) { // its decoding waits here
                    decoding.countDown();
                    await(release);
                  }
                  return m.offset();
                });
        if (!ahead) { // one core: the caller decodes, nothing is in between
          release.countDown();
          assertThat(take(reader, 10)).hasSize(10);
          assertThat(reader.catchup()).isEqualTo(Catchup.CAUGHT_UP);
          return;
        }
        assertThat(take(reader, 5)).extracting(LogMessage::offset).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(decoding.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // Offsets 5 to 9 have left the stream (the reader's cursor is at its end) but are not
        // handed over: caught up now, the engine's merge would let another input overtake them.
        assertThat(reader.catchup()).isEqualTo(Catchup.BEHIND);
        assertThat(reader.poll(Duration.ZERO)).isNull();

        release.countDown();
        assertThat(take(reader, 5)).extracting(LogMessage::decoded).containsExactly(5L, 6L, 7L, 8L, 9L);
        awaitCaughtUp(reader);
      }
    }
  }

  @Test
  void shouldHandAFailureOverAfterTheMessagesReadBeforeIt() {
    try (EmbeddedStreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createStream("s", Retention.unlimited());
      append(log, 0, 3);
      EmbeddedReader reader = (EmbeddedReader) log.reader("s", OffsetSpec.first());
      reader.decodeOnArrival(LogMessage::offset);
      assertThat(take(reader, 3)).extracting(LogMessage::offset).containsExactly(0L, 1L, 2L);

      log.deleteStream("s");

      assertThatThrownBy(() -> pollUntilFailure(reader)).isInstanceOf(StreamNotFoundException.class);
      // and again: the failure stays where it is
      assertThatThrownBy(() -> reader.poll(Duration.ZERO)).isInstanceOf(StreamNotFoundException.class);
      reader.close();
    }
  }

  @Test
  void shouldEndItsThreadWhenClosed() throws Exception {
    try (EmbeddedStreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createStream("closing", Retention.unlimited());
      append(log, "closing", 0, 3);
      EmbeddedReader reader = (EmbeddedReader) log.reader("closing", OffsetSpec.first());
      boolean ahead = reader.decodeOnArrival(LogMessage::offset);
      take(reader, 1);
      assertThat(readAheadThreads("closing")).isEqualTo(ahead ? 1 : 0);

      reader.close();

      assertThat(readAheadThreads("closing")).isZero(); // close waits for it
      assertThatThrownBy(() -> reader.poll(Duration.ZERO)).isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void shouldDeclineADecoderOnceMessagesWereTakenWithout() {
    try (EmbeddedStreamLog log = EmbeddedStreamLog.builder().readerBufferSize(4).build()) {
      log.createStream("s", Retention.unlimited());
      append(log, 0, 10);
      try (EmbeddedReader reader = (EmbeddedReader) log.reader("s", OffsetSpec.first())) {
        take(reader, 1); // three more wait undecoded in the reader's own buffer

        assertThat(reader.decodeOnArrival(LogMessage::offset)).isFalse();
        assertThat(take(reader, 9)).extracting(LogMessage::offset).containsExactlyElementsOf(offsets(1, 10));
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private static List<LogMessage> take(EmbeddedReader reader, int n) {
    List<LogMessage> out = new ArrayList<>();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (out.size() < n && System.nanoTime() < deadline) {
      LogMessage m = reader.poll(Duration.ofMillis(100));
      if (m != null) {
        out.add(m);
      }
    }
    assertThat(out).as("messages handed over within %s", WAIT).hasSize(n);
    return out;
  }

  private static void awaitCaughtUp(EmbeddedReader reader) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (reader.catchup() != Catchup.CAUGHT_UP && System.nanoTime() < deadline) {
      assertThat(reader.poll(Duration.ofMillis(10))).as("nothing left to hand over").isNull();
    }
    assertThat(reader.catchup()).isEqualTo(Catchup.CAUGHT_UP);
  }

  private static void pollUntilFailure(EmbeddedReader reader) {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(reader.poll(Duration.ofMillis(100))).isNull();
    }
  }

  private static long readAheadThreads(String stream) {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("coursepulse-embedded-decode-" + stream) && t.isAlive())
        .count();
  }

  private static List<Long> offsets(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long o = from; o < to; o++) {
      out.add(o);
    }
    return out;
  }

  private static String body(LogMessage m) {
    return new String(m.body(), UTF_8);
  }

  private static void append(EmbeddedStreamLog log, int from, int to) {
    append(log, "s", from, to);
  }

  private static void append(EmbeddedStreamLog log, String stream, int from, int to) {
    try (LogWriter w = log.writer(stream, null)) {
      for (int i = from; i < to; i++) {
        w.append(i, ("m" + i).getBytes(UTF_8));
      }
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
