package coursepulse.io.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamLogContract;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.engine.log.StreamStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The {@link StreamLogContract} against the in-memory {@link EmbeddedStreamLog}, plus what only the
 * embedded log promises: retention, bounded readers, clock handling and thread safety.
 */
class EmbeddedStreamLogTest extends StreamLogContract {

  private static final long T0 = 1_700_000_000_000L;

  @Override
  protected StreamLog newLog() {
    return EmbeddedStreamLog.inMemory();
  }

  @Test
  void shouldStampMessagesWithTheInjectedClock() {
    MutableClock clock = new MutableClock(T0);
    try (StreamLog log = EmbeddedStreamLog.builder().clock(clock).build()) {
      log.createStream("s", Retention.unlimited());
      append(log, "s", 0, 3);
      clock.advance(Duration.ofMinutes(1));
      append(log, "s", 3, 5);

      List<LogMessage> all = read(log, "s", OffsetSpec.first(), 5);
      assertThat(all)
          .extracting(LogMessage::timestamp)
          .containsExactly(T0, T0, T0, T0 + 60_000, T0 + 60_000);
      assertThat(read(log, "s", OffsetSpec.timestamp(T0 + 1), 2))
          .extracting(LogMessage::offset)
          .containsExactly(3L, 4L);
    }
  }

  @Test
  void shouldKeepTimestampsNonDecreasingWhenTheClockGoesBack() {
    MutableClock clock = new MutableClock(T0);
    try (StreamLog log = EmbeddedStreamLog.builder().clock(clock).build()) {
      log.createStream("s", Retention.unlimited());
      append(log, "s", 0, 1);
      clock.set(T0 - 5_000);
      append(log, "s", 1, 2);
      clock.set(T0 + 10);
      append(log, "s", 2, 3);

      assertThat(read(log, "s", OffsetSpec.first(), 3))
          .extracting(LogMessage::timestamp)
          .containsExactly(T0, T0, T0 + 10);
    }
  }

  @Test
  void shouldDropMessagesOlderThanMaxAgeWithoutReusingOffsets() {
    MutableClock clock = new MutableClock(T0);
    try (StreamLog log = EmbeddedStreamLog.builder().clock(clock).build()) {
      log.createStream("s", new Retention(Duration.ofHours(1), 0));
      append(log, "s", 0, 4);
      clock.advance(Duration.ofMinutes(30));
      append(log, "s", 4, 6);

      clock.advance(Duration.ofMinutes(45)); // the first four are now 75 minutes old

      assertThat(log.stats("s")).hasValue(new StreamStats(4, 5));
      assertThat(read(log, "s", OffsetSpec.first(), 1).get(0).offset()).isEqualTo(4);
      append(log, "s", 6, 7);
      assertThat(read(log, "s", OffsetSpec.last(), 1).get(0).offset()).isEqualTo(6);
    }
  }

  @Test
  void shouldDropTheOldestMessagesBeyondMaxLengthBytes() {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createStream("s", new Retention(null, 1_000));
      try (LogWriter writer = log.writer("s", null)) {
        for (int i = 0; i < 100; i++) {
          writer.append(i, new byte[100]);
        }
      }

      StreamStats stats = log.stats("s").orElseThrow();
      assertThat(stats.lastOffset()).isEqualTo(99);
      assertThat(stats.count()).isEqualTo(10);
      assertThat(read(log, "s", OffsetSpec.first(), 1).get(0).offset()).isEqualTo(90);
    }
  }

  @Test
  void shouldKeepTheNewestMessageWhateverTheRetention() {
    MutableClock clock = new MutableClock(T0);
    try (StreamLog log = EmbeddedStreamLog.builder().clock(clock).build()) {
      log.createStream("s", new Retention(Duration.ofSeconds(1), 10));
      try (LogWriter writer = log.writer("s", null)) {
        writer.append(0, new byte[50]);
        writer.append(1, new byte[50]);
      }
      clock.advance(Duration.ofDays(1));

      assertThat(log.stats("s")).hasValue(new StreamStats(1, 1));
    }
  }

  @Test
  void shouldMoveAReaderPastMessagesThatRetentionRemoved() {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createStream("s", new Retention(null, 500));
      try (LogReader reader = log.reader("s", OffsetSpec.first());
          LogWriter writer = log.writer("s", null)) {
        for (int i = 0; i < 20; i++) {
          writer.append(i, new byte[100]);
        }

        LogMessage first = reader.poll(Duration.ofSeconds(1));

        assertThat(first.offset()).isEqualTo(15);
      }
    }
  }

  @Test
  void shouldHoldNoMoreThanItsBufferInAReaderThatIsNotPolled() {
    try (EmbeddedStreamLog log = EmbeddedStreamLog.builder().readerBufferSize(16).build()) {
      log.createStream("s", Retention.unlimited());
      try (EmbeddedReader reader = (EmbeddedReader) log.reader("s", OffsetSpec.first());
          LogWriter writer = log.writer("s", null)) {
        for (int i = 0; i < 10_000; i++) {
          writer.append(i, new byte[100]);
        }
        assertThat(reader.buffered()).isZero();

        assertThat(reader.poll(Duration.ZERO).offset()).isZero();

        assertThat(reader.buffered()).isEqualTo(15);
        assertThat(reader.capacity()).isEqualTo(16);
        // draining the buffer refills it only on the next poll, again at most 16 at a time
        for (int i = 1; i <= 16; i++) {
          assertThat(reader.poll(Duration.ZERO).offset()).isEqualTo(i);
        }
        assertThat(reader.buffered()).isEqualTo(15);
      }
    }
  }

  @Test
  void shouldWakeAWaitingReaderAsSoonAsAMessageIsAppended() throws Exception {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createStream("s", Retention.unlimited());
      LogReader reader = log.reader("s", OffsetSpec.next());
      CompletableFuture<LogMessage> polled = pollInParkedThread(reader);

      long start = System.nanoTime();
      append(log, "s", 0, 1);
      LogMessage m = polled.get(10, TimeUnit.SECONDS);

      assertThat(m.offset()).isZero();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
      reader.close();
    }
  }

  @Test
  void shouldWakeAWaitingReaderWithAnErrorWhenTheLogCloses() throws Exception {
    StreamLog log = EmbeddedStreamLog.inMemory();
    log.createStream("s", Retention.unlimited());
    LogReader reader = log.reader("s", OffsetSpec.next());
    CompletableFuture<LogMessage> polled = pollInParkedThread(reader);

    log.close();

    assertThat(polled)
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .withCauseInstanceOf(LogException.class);
  }

  @Test
  void shouldFailReadersAndWritersOfADeletedStream() {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createStream("s", Retention.unlimited());
      LogReader reader = log.reader("s", OffsetSpec.first());
      LogWriter writer = log.writer("s", "p");

      log.deleteStream("s");

      assertThatThrownBy(() -> reader.poll(Duration.ZERO))
          .isInstanceOf(StreamNotFoundException.class);
      assertThatThrownBy(() -> writer.append(0, new byte[1]))
          .isInstanceOf(StreamNotFoundException.class);
      writer.close();
      reader.close();
    }
  }

  @Test
  void shouldRejectUseOfAClosedReaderOrWriter() {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createStream("s", Retention.unlimited());
      LogReader reader = log.reader("s", OffsetSpec.first());
      LogWriter writer = log.writer("s", "p");
      reader.close();
      writer.close();
      writer.close(); // idempotent

      assertThatThrownBy(() -> reader.poll(Duration.ZERO))
          .isInstanceOf(IllegalStateException.class);
      assertThatThrownBy(() -> writer.append(0, new byte[1]))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void shouldKeepDeduplicationStatePerStream() {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createStream("a", Retention.unlimited());
      log.createStream("b", Retention.unlimited());
      append(log, "a", 0, 5, "same-name");

      try (LogWriter writer = log.writer("b", "same-name")) {
        assertThat(writer.lastPublishingId()).isEqualTo(-1);
      }
    }
  }

  @Test
  void shouldRejectInvalidStreamNamesAndOffsets() {
    try (StreamLog log = EmbeddedStreamLog.inMemory()) {
      assertThatThrownBy(() -> log.createStream(" ", Retention.unlimited()))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> log.createStream("x".repeat(256), Retention.unlimited()))
          .isInstanceOf(IllegalArgumentException.class);
      log.createStream("s", Retention.unlimited());
      assertThatThrownBy(() -> log.storeOffset("c", "s", -1))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void shouldDeliverEveryMessageOnceAndInOrderWithConcurrentWritersAndReaders() throws Exception {
    int writers = 4;
    int perWriter = 10_000;
    int total = writers * perWriter;
    ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
    try (StreamLog log = EmbeddedStreamLog.builder().readerBufferSize(64).build()) {
      log.createStream("s", Retention.unlimited());
      List<Future<List<LogMessage>>> readers = new ArrayList<>();
      for (int r = 0; r < 2; r++) {
        LogReader reader = log.reader("s", OffsetSpec.first());
        readers.add(
            pool.submit(
                () -> {
                  List<LogMessage> got = new ArrayList<>(total);
                  while (got.size() < total) {
                    LogMessage m = reader.poll(Duration.ofSeconds(10));
                    if (m == null) {
                      break;
                    }
                    got.add(m);
                  }
                  reader.close();
                  return got;
                }));
      }
      for (int w = 0; w < writers; w++) {
        String producer = "writer-" + w;
        pool.submit(
            () -> {
              try (LogWriter writer = log.writer("s", producer)) {
                for (int i = 0; i < perWriter; i++) {
                  writer.append(i, (producer + ":" + i).getBytes(UTF_8));
                  writer.append(i, (producer + ":dup").getBytes(UTF_8));
                }
              }
              return null;
            });
      }

      for (Future<List<LogMessage>> reader : readers) {
        List<LogMessage> got = reader.get(60, TimeUnit.SECONDS);
        assertThat(got).hasSize(total);
        int[] nextPerWriter = new int[writers];
        for (int i = 0; i < total; i++) {
          LogMessage m = got.get(i);
          assertThat(m.offset()).isEqualTo(i);
          String[] parts = new String(m.body(), UTF_8).split(":");
          int w = Integer.parseInt(parts[0].substring("writer-".length()));
          assertThat(parts[1]).isEqualTo(Integer.toString(nextPerWriter[w]++));
        }
      }
      assertThat(log.stats("s")).hasValue(new StreamStats(0, total - 1));
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Polls {@code reader} with a long timeout in a new thread and returns once that thread is parked
   * waiting for a message, so that what follows exercises the wake-up rather than a race.
   */
  private static CompletableFuture<LogMessage> pollInParkedThread(LogReader reader)
      throws InterruptedException {
    CompletableFuture<LogMessage> polled = new CompletableFuture<>();
    Thread poller =
        new Thread(
            () -> {
              try {
                polled.complete(reader.poll(Duration.ofSeconds(30)));
              } catch (Throwable t) {
                polled.completeExceptionally(t);
              }
            },
            "poller");
    poller.setDaemon(true);
    poller.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (poller.getState() != Thread.State.TIMED_WAITING) {
      assertThat(System.nanoTime() - deadline).as("poller parked in time").isNegative();
      assertThat(polled).as("poll returned before anything was appended").isNotDone();
      Thread.sleep(1);
    }
    return polled;
  }

  private static void append(StreamLog log, String stream, int from, int to) {
    append(log, stream, from, to, null);
  }

  private static void append(StreamLog log, String stream, int from, int to, String producer) {
    try (LogWriter writer = log.writer(stream, producer)) {
      for (int i = from; i < to; i++) {
        writer.append(i, payload(i).getBytes(UTF_8));
      }
      writer.flush(Duration.ofSeconds(1));
    }
  }

  private static List<LogMessage> read(StreamLog log, String stream, OffsetSpec from, int count) {
    List<LogMessage> out = new ArrayList<>();
    try (LogReader reader = log.reader(stream, from)) {
      for (int i = 0; i < count; i++) {
        LogMessage m = reader.poll(Duration.ofSeconds(5));
        assertThat(m).as("message %d of %d from %s", i, count, from).isNotNull();
        out.add(m);
      }
    }
    return out;
  }
}
