package coursepulse.engine.log;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The behaviour every {@link StreamLog} must show, written once and run against each implementation
 * (in the manner of Micrometer's {@code MeterRegistryCompatibilityKit}).
 *
 * <p>A subclass supplies the log under test through {@link #newLog()}, which is called once per
 * test; the subclass isolates tests from each other and from other users of the same broker (a
 * fresh embedded instance, a fresh RabbitMQ virtual host). Each test creates its own streams, named
 * {@code <method>-<random>}, and deletes them afterwards; the log is closed after each test.
 *
 * <p>Hooks a subclass may override:
 *
 * <ul>
 *   <li>{@link #timeout()}: how long to wait for anything asynchronous (default 10 s);
 *   <li>{@link #quietPeriod()}: how long "nothing arrives" is observed (default 200 ms);
 *   <li>{@link #awaitLogClockPast(long)}: block until the log would stamp a new message with a time
 *       after the given one (default: poll the system clock; the embedded log with a manual clock
 *       advances it instead);
 *   <li>{@link #lastOffsetIsExact()}: whether {@link StreamLog#stats} reports the very last offset
 *       (true) or, like RabbitMQ 3.11+, the first offset of the last chunk (false).
 * </ul>
 *
 * <p>No test sleeps for a fixed time: waits poll a condition until {@link #timeout()}.
 */
public abstract class StreamLogContract {

  private StreamLog log;

  private final List<String> createdStreams = new ArrayList<>();
  private String methodName = "test";

  /**
   * A fresh log for one test, isolated from every other test. Called once per test, before it runs;
   * the contract closes it after the test.
   */
  protected abstract StreamLog newLog();

  /** Upper bound for every wait in the contract. */
  protected Duration timeout() {
    return Duration.ofSeconds(10);
  }

  /** How long the contract watches a reader to conclude that nothing arrives. */
  protected Duration quietPeriod() {
    return Duration.ofMillis(200);
  }

  /**
   * Returns once a message appended from now on gets a timestamp strictly greater than {@code
   * epochMillis}. The default polls the system clock (RabbitMQ stamps chunks with the broker's wall
   * clock, which on a local node is this machine's clock); an implementation with an injected
   * manual clock advances that clock instead.
   */
  protected void awaitLogClockPast(long epochMillis) {
    await(() -> System.currentTimeMillis() > epochMillis, "system clock to pass " + epochMillis);
  }

  /**
   * Whether {@link StreamStats#lastOffset()} is the offset of the newest message (true) or may lag
   * to the first offset of the newest chunk (false, RabbitMQ 3.11+ {@code queryStreamStats}).
   */
  protected boolean lastOffsetIsExact() {
    return true;
  }

  @BeforeEach
  void openLog(TestInfo info) {
    methodName = info.getTestMethod().map(m -> m.getName()).orElse("test");
    log = newLog();
  }

  @AfterEach
  void closeLog() {
    if (log == null) {
      return;
    }
    try {
      for (String stream : createdStreams) {
        try {
          log.deleteStream(stream);
        } catch (RuntimeException e) {
          // best effort: the test's own failure matters more than clean-up
        }
      }
    } finally {
      createdStreams.clear();
      log.close();
      log = null;
    }
  }

  // ---------------------------------------------------------------- offsets

  @Test
  void shouldAssignDenseOffsetsStartingAtZero() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 20);

    List<LogMessage> messages = readExactly(stream, OffsetSpec.first(), 20);

    for (int i = 0; i < 20; i++) {
      assertThat(messages.get(i).offset()).as("offset of message %d", i).isEqualTo(i);
      assertThat(text(messages.get(i))).isEqualTo(payload(i));
      assertThat(messages.get(i).stream()).isEqualTo(stream);
    }
  }

  @Test
  void shouldDrainWhatArrivedInOffsetOrderUpToTheLimitAndDecodeWhenSupported() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 50);
    List<LogMessage> got = new ArrayList<>();
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      boolean decodes = reader.decodeOnArrival(m -> "decoded:" + new String(m.body(), UTF_8));
      long deadline = System.nanoTime() + timeout().toNanos();
      while (got.size() < 50 && System.nanoTime() < deadline) {
        int before = got.size();
        int n = reader.drain(7, got::add);
        assertThat(n).as("handed over").isEqualTo(got.size() - before).isBetween(0, 7);
        if (n == 0) {
          LogMessage m = reader.poll(Duration.ofMillis(50)); // wait for more, then drain again
          if (m != null) {
            got.add(m);
          }
        }
      }
      assertThat(reader.drain(10, got::add)).as("nothing beyond the stream's end").isZero();
      for (int i = 0; i < got.size(); i++) {
        LogMessage m = got.get(i);
        assertThat(m.offset()).isEqualTo(i);
        assertThat(m.decoded())
            .as("decoded form of offset %d", i)
            .isEqualTo(decodes ? "decoded:" + payload(i) : null);
      }
    }
    assertThat(got).hasSize(50);
  }

  /**
   * Live, a reader is caught up only once the log has handed over the whole chunk it started on:
   * a dispatch thread that stands still in the middle of a chunk (here: its decoder blocks on one
   * message) must not let the reader read as caught up after a quiet spell, or a merge runs ahead
   * of the rest of that chunk. Where the reader decodes on the caller's thread (no dispatch
   * thread), only the live catch-up itself is checked.
   */
  @Test
  void shouldReadAsCaughtUpLiveOnlyOnceTheWholeChunkWasHandedOver() throws InterruptedException {
    String stream = newStream();
    Thread caller = Thread.currentThread();
    java.util.concurrent.CountDownLatch stalled = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      boolean decodes =
          reader.decodeOnArrival(
              m -> {
                if (m.offset() == 5 && Thread.currentThread() != caller) {
                  stalled.countDown();
                  try {
                    release.await(timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }
                return "decoded";
              });
      await(() -> reader.catchup() != LogReader.Catchup.BEHIND, "the empty stream read");
      appendAndFlush(stream, null, 0, 10); // one batch: one chunk, or two at most
      if (decodes
          && stalled.await(timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        assertThat(pollExactly(reader, 5)).extracting(LogMessage::offset)
            .containsExactly(0L, 1L, 2L, 3L, 4L);
        Thread.sleep(200); // ten times the live quiet period of the RabbitMQ reader
        assertThat(reader.poll(Duration.ZERO)).as("nothing handed over past the stall").isNull();
        assertThat(reader.catchup())
            .as("while the log still hands over the rest of a chunk")
            .isEqualTo(LogReader.Catchup.BEHIND);
        release.countDown();
        assertThat(pollExactly(reader, 5)).extracting(LogMessage::offset)
            .containsExactly(5L, 6L, 7L, 8L, 9L);
      } else {
        release.countDown();
        assertThat(pollExactly(reader, 10)).hasSize(10);
      }
      await(
          () -> reader.catchup() == LogReader.Catchup.CAUGHT_UP,
          "caught up once everything was taken");
    } finally {
      release.countDown();
    }
  }

  @Test
  void shouldKeepOffsetsDenseAcrossManyBatchesAndChunks() {
    String stream = newStream();
    int batches = 100;
    int perBatch = 100;
    try (LogWriter writer = log.writer(stream, "bulk")) {
      for (int b = 0; b < batches; b++) {
        for (int i = 0; i < perBatch; i++) {
          int n = b * perBatch + i;
          writer.append(n, payload(n).getBytes(UTF_8));
        }
        writer.flush(timeout());
      }
    }
    int total = batches * perBatch;

    List<LogMessage> all = readExactly(stream, OffsetSpec.first(), total);
    long previousTimestamp = Long.MIN_VALUE;
    for (int i = 0; i < total; i++) {
      LogMessage m = all.get(i);
      assertThat(m.offset()).isEqualTo(i);
      assertThat(text(m)).isEqualTo(payload(i));
      assertThat(m.timestamp())
          .as("timestamps never go back")
          .isGreaterThanOrEqualTo(previousTimestamp);
      previousTimestamp = m.timestamp();
    }

    // an absolute offset inside a later chunk starts exactly there
    List<LogMessage> fromMiddle = readExactly(stream, OffsetSpec.offset(5_017), total - 5_017);
    assertThat(fromMiddle.get(0).offset()).isEqualTo(5_017);
    assertThat(fromMiddle.get(fromMiddle.size() - 1).offset()).isEqualTo(total - 1);
  }

  @Test
  void shouldReportFirstAndLastOffsetsInStats() {
    String stream = newStream();
    assertThat(log.stats(stream)).as("empty stream").isEmpty();

    appendAndFlush(stream, null, 0, 10);
    appendAndFlush(stream, null, 10, 15);

    StreamStats stats = awaitStats(stream, s -> s.lastOffset() >= 10);
    assertThat(stats.firstOffset()).isZero();
    if (lastOffsetIsExact()) {
      assertThat(stats.lastOffset()).isEqualTo(14);
      assertThat(stats.count()).isEqualTo(15);
    } else {
      assertThat(stats.lastOffset()).isBetween(10L, 14L);
    }
  }

  // ---------------------------------------------------------------- offset specifications

  @Test
  void shouldStartAtTheOldestMessageFromFirst() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 5);

    assertThat(offsets(readExactly(stream, OffsetSpec.first(), 5)))
        .containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void shouldStartAtTheGivenAbsoluteOffset() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 10);

    List<LogMessage> messages = readExactly(stream, OffsetSpec.offset(7), 3);

    assertThat(offsets(messages)).containsExactly(7L, 8L, 9L);
    assertThat(text(messages.get(0))).isEqualTo(payload(7));
  }

  @Test
  void shouldStartWithinTheNewestChunkFromLast() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 10);
    appendAndFlush(stream, null, 10, 13);

    try (LogReader reader = log.reader(stream, OffsetSpec.last())) {
      LogMessage first = pollOrFail(reader);
      // "last" is the start of the newest chunk: never before the last flushed batch
      assertThat(first.offset()).isBetween(10L, 12L);
      long expected = first.offset();
      LogMessage m = first;
      while (m.offset() < 12) {
        m = pollOrFail(reader);
        assertThat(m.offset()).isEqualTo(++expected);
      }
      assertThat(text(m)).isEqualTo(payload(12));
      assertNothingArrives(reader);
    }
  }

  @Test
  void shouldDeliverOnlyNewMessagesFromNext() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 5);

    try (LogReader reader = log.reader(stream, OffsetSpec.next())) {
      assertNothingArrives(reader);

      appendAndFlush(stream, null, 5, 7);

      assertThat(offsets(pollExactly(reader, 2))).containsExactly(5L, 6L);
    }
  }

  @Test
  void shouldDeliverMessagesAppendedWhileTailing() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 3);

    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      assertThat(offsets(pollExactly(reader, 3))).containsExactly(0L, 1L, 2L);

      appendAndFlush(stream, null, 3, 5);

      List<LogMessage> tail = pollExactly(reader, 2);
      assertThat(offsets(tail)).containsExactly(3L, 4L);
      assertThat(text(tail.get(1))).isEqualTo(payload(4));
    }
  }

  @Test
  void shouldWaitForTheNextMessageWhenReadingFromTheNextOffsetToBeWritten() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 4);

    try (LogReader reader = log.reader(stream, OffsetSpec.offset(4))) {
      assertNothingArrives(reader);
      appendAndFlush(stream, null, 4, 5);
      assertThat(pollOrFail(reader).offset()).isEqualTo(4);
    }
  }

  @Test
  void shouldReturnNullFromPollAfterItsTimeoutWhenNothingArrives() {
    String stream = newStream();

    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      assertThat(reader.stream()).isEqualTo(stream);
      Duration wait = Duration.ofMillis(100);
      long start = System.nanoTime();

      LogMessage message = reader.poll(wait);

      long elapsed = System.nanoTime() - start;
      assertThat(message).isNull();
      // allow a little timer slack below, and a generous bound above for a busy machine
      assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(Duration.ofMillis(90));
      assertThat(Duration.ofNanos(elapsed)).isLessThan(timeout());
    }
  }

  // ---------------------------------------------------------------- timestamps

  @Test
  void shouldStartAtTheFirstMessageStoredAtOrAfterATimestamp() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 5);
    long newestOfFirstBatch = readExactly(stream, OffsetSpec.first(), 5).get(4).timestamp();

    awaitLogClockPast(newestOfFirstBatch);
    long boundary = newestOfFirstBatch + 1;
    appendAndFlush(stream, null, 5, 10);

    List<LogMessage> fromBoundary = readExactly(stream, OffsetSpec.timestamp(boundary), 5);
    assertThat(offsets(fromBoundary)).containsExactly(5L, 6L, 7L, 8L, 9L);
    assertThat(fromBoundary)
        .allSatisfy(m -> assertThat(m.timestamp()).isGreaterThanOrEqualTo(boundary));

    // a time before everything starts at the oldest message
    assertThat(readExactly(stream, OffsetSpec.timestamp(0), 10).get(0).offset()).isZero();
  }

  @Test
  void shouldStartAtTheEndWhenTheTimestampIsAfterEveryMessage() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 3);
    long newest = readExactly(stream, OffsetSpec.first(), 3).get(2).timestamp();

    try (LogReader reader = log.reader(stream, OffsetSpec.timestamp(newest + 1))) {
      assertNothingArrives(reader);
      awaitLogClockPast(newest);
      appendAndFlush(stream, null, 3, 4);
      assertThat(pollOrFail(reader).offset()).isEqualTo(3);
    }
  }

  // ---------------------------------------------------------------- deduplication

  @Test
  void shouldDropPublishingIdsAProducerAlreadySent() {
    String stream = newStream();
    try (LogWriter writer = log.writer(stream, "producer-a")) {
      assertThat(writer.lastPublishingId()).as("nothing stored yet").isEqualTo(-1);
      for (long id = 0; id < 10; id++) {
        writer.append(id, payload((int) id).getBytes(UTF_8));
      }
      writer.flush(timeout());
      // resend a range it already sent, then continue
      for (long id = 5; id < 15; id++) {
        writer.append(id, payload((int) id).getBytes(UTF_8));
      }
      writer.flush(timeout());
    }

    List<LogMessage> messages = readExactly(stream, OffsetSpec.first(), 15);
    for (int i = 0; i < 15; i++) {
      assertThat(text(messages.get(i))).isEqualTo(payload(i));
    }
    assertNothingMoreThan(stream, 15);
  }

  @Test
  void shouldLetARestartedProducerResumeAfterItsLastStoredPublishingId() {
    String stream = newStream();
    appendAndFlush(stream, "producer-b", 0, 8);

    try (LogWriter restarted = log.writer(stream, "producer-b")) {
      assertThat(restarted.lastPublishingId()).isEqualTo(7);
      // a restarted producer that replays its whole history adds only what is new
      for (long id = 0; id < 12; id++) {
        restarted.append(id, payload((int) id).getBytes(UTF_8));
      }
      restarted.flush(timeout());
      assertThat(restarted.lastPublishingId()).isEqualTo(11);
    }

    assertThat(texts(readExactly(stream, OffsetSpec.first(), 12)))
        .containsExactlyElementsOf(payloads(0, 12));
    assertNothingMoreThan(stream, 12);
  }

  @Test
  void shouldKeepDeduplicationStatePerProducerName() {
    String stream = newStream();
    appendAndFlush(stream, "producer-c", 0, 3);
    appendAndFlush(stream, "producer-d", 0, 3);

    assertThat(readExactly(stream, OffsetSpec.first(), 6)).hasSize(6);
    try (LogWriter writer = log.writer(stream, "producer-d")) {
      assertThat(writer.lastPublishingId()).isEqualTo(2);
    }
  }

  @Test
  void shouldNotDeduplicateAWriterWithoutProducerName() {
    String stream = newStream();
    try (LogWriter writer = log.writer(stream, null)) {
      for (int i = 0; i < 3; i++) {
        writer.append(1, payload(i).getBytes(UTF_8));
      }
      writer.flush(timeout());
    }
    try (LogWriter another = log.writer(stream, null)) {
      another.append(1, payload(3).getBytes(UTF_8));
      another.flush(timeout());
    }

    assertThat(texts(readExactly(stream, OffsetSpec.first(), 4)))
        .containsExactlyElementsOf(payloads(0, 4));
  }

  // ---------------------------------------------------------------- consumer offsets

  @Test
  void shouldReturnTheStoredOffsetOfANamedConsumer() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 10);

    log.storeOffset("consumer-a", stream, 3);
    awaitStoredOffset("consumer-a", stream, 3);
    log.storeOffset("consumer-a", stream, 6);
    awaitStoredOffset("consumer-a", stream, 6);

    assertThat(log.queryOffset("consumer-a", stream)).hasValue(6);
  }

  @Test
  void shouldResumeExactlyAfterTheStoredOffset() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 10);
    long processed;
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      List<LogMessage> firstFour = pollExactly(reader, 4);
      processed = firstFour.get(3).offset();
    }
    log.storeOffset("consumer-b", stream, processed);
    long stored = awaitStoredOffset("consumer-b", stream, processed);

    List<LogMessage> resumed = readExactly(stream, OffsetSpec.offset(stored + 1), 6);

    assertThat(offsets(resumed)).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
    assertThat(text(resumed.get(0))).isEqualTo(payload(4));
  }

  @Test
  void shouldReturnNoOffsetForAnUnknownConsumer() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 1);

    assertThat(log.queryOffset("nobody-" + UUID.randomUUID(), stream)).isEmpty();
  }

  @Test
  void shouldKeepStoredOffsetsPerConsumerName() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 5);

    log.storeOffset("consumer-c", stream, 1);
    log.storeOffset("consumer-d", stream, 4);

    awaitStoredOffset("consumer-c", stream, 1);
    awaitStoredOffset("consumer-d", stream, 4);
  }

  // ---------------------------------------------------------------- independent readers

  @Test
  void shouldDeliverEveryMessageToEachOfTwoReaders() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 50);

    try (LogReader one = log.reader(stream, OffsetSpec.first());
        LogReader two = log.reader(stream, OffsetSpec.first())) {
      // interleave so that neither reader can be starved by, or steal from, the other
      List<LogMessage> fromOne = new ArrayList<>(pollExactly(one, 20));
      List<LogMessage> fromTwo = new ArrayList<>(pollExactly(two, 50));
      appendAndFlush(stream, null, 50, 60);
      fromOne.addAll(pollExactly(one, 40));
      fromTwo.addAll(pollExactly(two, 10));

      assertThat(texts(fromOne)).containsExactlyElementsOf(payloads(0, 60));
      assertThat(texts(fromTwo)).containsExactlyElementsOf(payloads(0, 60));
    }
  }

  // ---------------------------------------------------------------- stream lifecycle

  @Test
  void shouldThrowStreamNotFoundForAMissingStream() {
    String missing = streamName();

    assertThat(log.streamExists(missing)).isFalse();
    assertThatThrownBy(() -> log.writer(missing, "p"))
        .isInstanceOfSatisfying(
            StreamNotFoundException.class, e -> assertThat(e.stream()).isEqualTo(missing));
    assertThatThrownBy(() -> log.writer(missing, null)).isInstanceOf(StreamNotFoundException.class);
    assertThatThrownBy(() -> log.reader(missing, OffsetSpec.first()))
        .isInstanceOf(StreamNotFoundException.class);
    assertThatThrownBy(() -> log.stats(missing)).isInstanceOf(StreamNotFoundException.class);
  }

  @Test
  void shouldCreateAStreamIdempotently() {
    String stream = newStream();
    appendAndFlush(stream, null, 0, 3);

    log.createStream(stream, Retention.unlimited());

    assertThat(log.streamExists(stream)).isTrue();
    assertThat(texts(readExactly(stream, OffsetSpec.first(), 3)))
        .containsExactlyElementsOf(payloads(0, 3));
    assertThat(awaitStats(stream, s -> true).firstOffset()).isZero();
  }

  @Test
  void shouldRemoveAStreamAndItsDataOnDelete() {
    String stream = newStream();
    appendAndFlush(stream, "producer-e", 0, 5);
    log.storeOffset("consumer-e", stream, 2);
    awaitStoredOffset("consumer-e", stream, 2);

    log.deleteStream(stream);

    await(() -> !log.streamExists(stream), "stream " + stream + " to disappear");
    assertThatThrownBy(() -> log.stats(stream)).isInstanceOf(StreamNotFoundException.class);
    assertThatThrownBy(() -> log.reader(stream, OffsetSpec.first()))
        .isInstanceOf(StreamNotFoundException.class);
    log.deleteStream(stream); // deleting again does nothing

    // a stream created again under the same name starts from scratch
    log.createStream(stream, Retention.unlimited());
    assertThat(log.stats(stream)).isEmpty();
    try (LogWriter writer = log.writer(stream, "producer-e")) {
      assertThat(writer.lastPublishingId()).isEqualTo(-1);
    }
    assertThat(log.queryOffset("consumer-e", stream)).isEmpty();
    appendAndFlush(stream, null, 100, 101);
    LogMessage first = readExactly(stream, OffsetSpec.first(), 1).get(0);
    assertThat(first.offset()).isZero();
    assertThat(text(first)).isEqualTo(payload(100));
  }

  @Test
  void shouldDescribeItselfWithoutCredentials() {
    assertThat(log.describe())
        .isNotBlank()
        .doesNotContain("guest:guest")
        .doesNotContainIgnoringCase("password");
  }

  // ================================================================ helpers for subclasses too

  /** The log under test, created by {@link #newLog()} for the running test. */
  protected StreamLog log() {
    return log;
  }

  /** A unique stream name for the running test: {@code <method>-<random>}. Not created. */
  protected String streamName() {
    String base = methodName.length() > 60 ? methodName.substring(0, 60) : methodName;
    return base + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Creates a uniquely named stream without retention limits; it is deleted after the test. */
  protected String newStream() {
    return newStream(Retention.unlimited());
  }

  /** Creates a uniquely named stream with the given retention; it is deleted after the test. */
  protected String newStream(Retention retention) {
    String stream = streamName();
    log.createStream(stream, retention);
    createdStreams.add(stream);
    return stream;
  }

  /** The body the contract writes for message number {@code n}. */
  protected static String payload(int n) {
    return "message-" + n;
  }

  /**
   * Appends {@link #payload} {@code from} (inclusive) to {@code to} (exclusive) with publishing ids
   * equal to the message numbers, through a fresh writer, and waits for the confirms.
   */
  protected void appendAndFlush(String stream, String producerName, int from, int to) {
    try (LogWriter writer = log.writer(stream, producerName)) {
      for (int n = from; n < to; n++) {
        writer.append(n, payload(n).getBytes(UTF_8));
      }
      writer.flush(timeout());
    }
  }

  /** Reads exactly {@code count} messages through a fresh reader, failing on timeout. */
  protected List<LogMessage> readExactly(String stream, OffsetSpec from, int count) {
    try (LogReader reader = log.reader(stream, from)) {
      return pollExactly(reader, count);
    }
  }

  /** Polls until {@code count} messages arrived, failing when {@link #timeout()} passes first. */
  protected List<LogMessage> pollExactly(LogReader reader, int count) {
    List<LogMessage> messages = new ArrayList<>(count);
    long deadline = System.nanoTime() + timeout().toNanos();
    while (messages.size() < count) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        fail(
            "expected %d messages from %s within %s but got %d (last offset %s)",
            count,
            reader.stream(),
            timeout(),
            messages.size(),
            messages.isEmpty() ? "-" : messages.get(messages.size() - 1).offset());
      }
      LogMessage m =
          reader.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(100).toNanos())));
      if (m != null) {
        messages.add(m);
      }
    }
    return messages;
  }

  /** Polls one message, failing when none arrives within {@link #timeout()}. */
  protected LogMessage pollOrFail(LogReader reader) {
    return pollExactly(reader, 1).get(0);
  }

  /** Asserts that the reader yields nothing during {@link #quietPeriod()}. */
  protected void assertNothingArrives(LogReader reader) {
    LogMessage m = reader.poll(quietPeriod());
    assertThat(m).as("no message expected, got %s", m == null ? null : describe(m)).isNull();
  }

  /**
   * Asserts that reading the stream from the start yields nothing beyond {@code count} messages.
   */
  protected void assertNothingMoreThan(String stream, int count) {
    if (count == 0) {
      try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
        assertNothingArrives(reader);
      }
      return;
    }
    try (LogReader reader = log.reader(stream, OffsetSpec.offset(count - 1))) {
      assertThat(pollOrFail(reader).offset()).isEqualTo(count - 1);
      assertNothingArrives(reader);
    }
  }

  /** Polls {@link StreamLog#stats} until it is present and matches, returning it. */
  protected StreamStats awaitStats(String stream, java.util.function.Predicate<StreamStats> until) {
    StreamStats[] seen = new StreamStats[1];
    await(
        () -> {
          seen[0] = log.stats(stream).orElse(null);
          return seen[0] != null && until.test(seen[0]);
        },
        "stats of " + stream);
    return seen[0];
  }

  /**
   * Polls {@link StreamLog#queryOffset} until it reports {@code expected} (storing may be
   * asynchronous, as on RabbitMQ), returning it.
   */
  protected long awaitStoredOffset(String consumer, String stream, long expected) {
    OptionalLong[] seen = new OptionalLong[1];
    try {
      await(
          () -> {
            seen[0] = log.queryOffset(consumer, stream);
            return seen[0].isPresent() && seen[0].getAsLong() == expected;
          },
          "stored offset " + expected + " of " + consumer + " on " + stream);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (last seen " + seen[0] + ")", e);
    }
    return expected;
  }

  /** Polls {@code condition} every few milliseconds until it holds or {@link #timeout()} passes. */
  protected void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + timeout().toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("timed out after %s waiting for %s", timeout(), what);
      }
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted while waiting for " + what);
      }
    }
  }

  protected static String text(LogMessage m) {
    return new String(m.body(), UTF_8);
  }

  protected static List<String> texts(List<LogMessage> messages) {
    List<String> out = new ArrayList<>(messages.size());
    for (LogMessage m : messages) {
      out.add(text(m));
    }
    return out;
  }

  protected static List<Long> offsets(List<LogMessage> messages) {
    List<Long> out = new ArrayList<>(messages.size());
    for (LogMessage m : messages) {
      out.add(m.offset());
    }
    return out;
  }

  protected static List<String> payloads(int from, int to) {
    List<String> out = new ArrayList<>(to - from);
    for (int n = from; n < to; n++) {
      out.add(payload(n));
    }
    return out;
  }

  private static String describe(LogMessage m) {
    return "offset " + m.offset() + " '" + text(m) + "'";
  }
}
