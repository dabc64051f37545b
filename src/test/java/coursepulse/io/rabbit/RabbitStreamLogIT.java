package coursepulse.io.rabbit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import com.rabbitmq.stream.Consumer;
import com.rabbitmq.stream.ConsumerFlowStrategy;
import com.rabbitmq.stream.OffsetSpecification;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogUnavailableException;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.engine.log.StreamStats;
import coursepulse.engine.log.UnsupportedByLogException;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** RabbitMQ-specific behaviour of {@link RabbitStreamLog}; the shared contract is in its own IT. */
@ExtendWith(RabbitMqExtension.class)
class RabbitStreamLogIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(15);
  private static final String SECRET = "not-the-password-4711";

  @Test
  void shouldSkipMessagesOfChunksStoredBeforeTheRequestedTime(RabbitStreamLog log) {
    String stream = newStream(log, "timestamps");
    // Ten chunks, each stamped at least one millisecond after the previous one.
    List<Long> chunkTimes = new ArrayList<>();
    for (int c = 0; c < 10; c++) {
      append(log, stream, c * 10, 10);
      long time = readRange(log, stream, OffsetSpec.offset(c * 10), 1).get(0).timestamp();
      chunkTimes.add(time);
      await(() -> System.currentTimeMillis() > time, "clock to pass the chunk time");
    }
    long requested = chunkTimes.get(6) - 0; // exactly the time of chunk 6
    long justAfterChunk5 = chunkTimes.get(5) + 1;

    List<LogMessage> fromChunk6 = readRange(log, stream, OffsetSpec.timestamp(requested), 40);
    assertThat(fromChunk6.get(0).offset()).isEqualTo(60);
    assertThat(fromChunk6).allSatisfy(m -> assertThat(m.timestamp()).isGreaterThanOrEqualTo(requested));

    // A time between two chunks: the broker starts at the older chunk, the reader drops it.
    List<LogMessage> between = readRange(log, stream, OffsetSpec.timestamp(justAfterChunk5), 1);
    assertThat(between.get(0).offset()).isEqualTo(chunkTimes.get(6) >= justAfterChunk5 ? 60 : 50);
    assertThat(between.get(0).timestamp()).isGreaterThanOrEqualTo(justAfterChunk5);
  }

  @Test
  void shouldStartExactlyAtAnAbsoluteOffsetInTheMiddleOfAChunk(RabbitStreamLog log) {
    String stream = newStream(log, "offsets");
    append(log, stream, 0, 1_000); // one flush: a few large chunks

    List<LogMessage> messages = readRange(log, stream, OffsetSpec.offset(537), 463);

    assertThat(messages.get(0).offset()).isEqualTo(537);
    assertThat(new String(messages.get(0).body(), UTF_8)).isEqualTo("m-537");
    assertThat(messages.get(462).offset()).isEqualTo(999);
  }

  @Test
  void shouldKeepAReaderThatIsNotPolledFromBufferingTheWholeStream(RabbitVhost vhost) {
    try (RabbitStreamLog log = RabbitStreamLog.connect(vhost.settings().readerInitialCredits(2).build())) {
      String stream = newStream(log, "bounded");
      try (LogWriter writer = log.writer(stream, null)) {
        for (int n = 0; n < 20_000; n++) {
          writer.append(n, ("m-" + n).getBytes(UTF_8));
          if (n % 100 == 99) {
            writer.flush(TIMEOUT); // one chunk per hundred messages
          }
        }
      }
      try (RabbitLogReader reader = (RabbitLogReader) log.reader(stream, OffsetSpec.first())) {
        await(() -> reader.buffered() > 0, "the first chunks to arrive");
        // Give the broker ample time to push more than the credits allow, then check it did not.
        long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() < until) {
          assertThat(reader.buffered()).isLessThanOrEqualTo(1_000);
          Thread.onSpinWait();
        }
        for (int n = 0; n < 20_000; n++) {
          LogMessage m = reader.poll(TIMEOUT);
          assertThat(m).as("message %d", n).isNotNull();
          assertThat(m.offset()).isEqualTo(n);
        }
        assertThat(reader.highWatermark()).isLessThanOrEqualTo(1_000);
      }
    }
  }

  @Test
  void shouldReportExactFirstAndLastOffsetsOfAStreamWrittenInManyChunks(RabbitStreamLog log) {
    String stream = newStream(log, "stats");
    assertThat(log.stats(stream)).isEmpty();
    for (int c = 0; c < 5; c++) {
      append(log, stream, c * 100, 100);
    }
    append(log, stream, 500, 234);

    StreamStats stats = log.stats(stream).orElseThrow();

    assertThat(stats.firstOffset()).isZero();
    if (!log.supports(RabbitStreamLog.Feature.STREAM_STATS) || log.brokerVersion().atLeast(4, 0)) {
      assertThat(stats.lastOffset()).isEqualTo(733);
    } else {
      assertThat(stats.lastOffset()).isBetween(500L, 733L);
    }
  }

  @Test
  void shouldNameTheVersionNeededForFeaturesOfNewerBrokers(RabbitStreamLog log) {
    Assumptions.assumeFalse(
        log.supports(RabbitStreamLog.Feature.SUPER_STREAMS), "broker has super streams");

    assertThatThrownBy(() -> log.requireFeature(RabbitStreamLog.Feature.SUPER_STREAMS))
        .isInstanceOf(UnsupportedByLogException.class)
        .hasMessageContaining("RabbitMQ 3.11 or newer is needed for super streams")
        .hasMessageContaining(log.brokerVersion().text());
  }

  @Test
  void shouldSayWhichPortCannotBeReached() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String uri = "rabbitmq-stream://guest:" + SECRET + "@localhost:" + port + "/%2f";

    assertThatThrownBy(() -> RabbitStreamLog.connect(uri))
        .isInstanceOf(LogUnavailableException.class)
        .hasMessage(
            "cannot reach RabbitMQ stream port localhost:" + port
                + " — is the rabbitmq_stream plugin enabled? (rabbitmq-plugins enable rabbitmq_stream)")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }

  @Test
  void shouldReportAnAuthenticationFailureWithoutThePassword(RabbitVhost vhost) {
    String uri = vhost.uri().replaceFirst("://([^:@/]+):[^@/]*@", "://$1:" + SECRET + "@");

    assertThatThrownBy(() -> RabbitStreamLog.connect(uri))
        .isInstanceOf(LogUnavailableException.class)
        .hasMessageContaining("authentication failure")
        .hasMessageContaining("user '")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
  }

  @Test
  void shouldSayWhichVirtualHostIsMissingAndHowToCreateIt(RabbitVhost vhost) {
    String uri = vhost.uri().replaceFirst("/[^/]*$", "/" + vhost.name() + "-missing");

    assertThatThrownBy(() -> RabbitStreamLog.connect(uri))
        .isInstanceOf(LogUnavailableException.class)
        .hasMessageContaining("virtual host '" + vhost.name() + "-missing' does not exist")
        .hasMessageContaining("rabbitmqctl add_vhost " + vhost.name() + "-missing");
  }

  @Test
  void shouldSayWhichStreamIsMissingAndHowToCreateIt(RabbitStreamLog log) {
    assertThatThrownBy(() -> log.writer("no-such-stream", "p"))
        .isInstanceOfSatisfying(
            StreamNotFoundException.class,
            e -> assertThat(e.stream()).isEqualTo("no-such-stream"))
        .hasMessageContaining("coursepulse streams --create");
    assertThatThrownBy(() -> log.queryOffset("c", "no-such-stream"))
        .isInstanceOf(StreamNotFoundException.class);
  }

  @Test
  void shouldNeverShowThePasswordInDescriptions(RabbitVhost vhost) {
    try (RabbitStreamLog log = vhost.openLog()) {
      assertThat(log.describe()).contains(vhost.name()).doesNotContain(":guest@");
      assertThat(log.toString()).doesNotContain(":guest@");
      assertThat(vhost.settings().build().toString()).doesNotContain(":guest@");
    }
  }

  @Test
  void shouldFailAReaderWhoseStreamIsDeleted(RabbitStreamLog log) {
    String stream = newStream(log, "deleted");
    append(log, stream, 0, 3);
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      assertThat(readN(reader, 3)).hasSize(3);
      log.deleteStream(stream);
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (true) {
        try {
          reader.poll(Duration.ofMillis(100));
        } catch (LogException e) {
          assertThat(e).hasMessageContaining(stream);
          break;
        }
        if (System.nanoTime() > deadline) {
          fail("reader of a deleted stream kept polling without an error");
        }
      }
    }
  }

  @Test
  void shouldApplyRetentionSettingsAndKeepCreateIdempotent(RabbitStreamLog log) {
    String stream = RabbitVhost.uniqueStream("retention");
    Retention retention = new Retention(Duration.ofDays(7), 50_000_000L);
    log.createStream(stream, retention);
    log.createStream(stream, retention);
    log.createStream(stream, Retention.unlimited()); // different arguments: kept, warned

    assertThat(log.streamExists(stream)).isTrue();
    log.deleteStream(stream);
    log.deleteStream(stream);
    assertThat(log.streamExists(stream)).isFalse();
  }

  @Test
  void shouldReadAsCaughtUpOnAnEmptyStreamWithoutTheEngineAsking(RabbitStreamLog log) {
    String stream = newStream(log, "empty-live");
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      // An empty stream has nothing to catch up with; it used to answer UNKNOWN for good, and
      // the engine held the other inputs' records until this one delivered something.
      await(() -> reader.catchup() == LogReader.Catchup.CAUGHT_UP, "an empty stream caught up");
      append(log, stream, 0, 1);
      assertThat(reader.poll(TIMEOUT)).as("the appended message").isNotNull();
      await(() -> reader.catchup() == LogReader.Catchup.CAUGHT_UP, "caught up after it");
    }
  }

  @Test
  void shouldBatchTheAppendsOfASteadyWriterIntoChunksOfManyMessages(RabbitStreamLog log)
      throws InterruptedException {
    String stream = newStream(log, "batches");
    int messages = 200;
    long start = System.nanoTime();
    try (LogWriter writer = log.writer(stream, null)) {
      for (int n = 0; n < messages; n++) {
        writer.append(n, ("m-" + n).getBytes(UTF_8));
        LockSupport.parkNanos(1_000_000); // a steady, low rate
      }
      writer.flush(TIMEOUT);
    }
    long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
    // Count the chunks with a raw consumer: the client tells its flow strategy about each one.
    AtomicInteger chunks = new AtomicInteger();
    AtomicLong received = new AtomicLong();
    Consumer consumer =
        log.environment().consumerBuilder()
            .stream(stream)
            .offset(OffsetSpecification.first())
            .noTrackingStrategy()
            .flow()
            .strategy(
                new ConsumerFlowStrategy() {
                  @Override
                  public int initialCredits() {
                    return 10;
                  }

                  @Override
                  public MessageProcessedCallback start(Context chunk) {
                    chunks.incrementAndGet();
                    chunk.credits(1);
                    return context -> {};
                  }
                })
            .builder()
            .messageHandler((context, message) -> received.incrementAndGet())
            .build();
    try {
      await(() -> received.get() == messages, "every message");
    } finally {
      consumer.close();
    }
    // Dynamic batching sent each append on its own as soon as the connection was free: about one
    // chunk per append (the broker then delivered them late under load, docs/performance.md).
    // With 10 ms batches a chunk holds every append of its 10 ms.
    assertThat(chunks.get())
        .as("chunks for %d appends in %d ms", messages, elapsedMillis)
        .isLessThan(messages / 2)
        .isLessThanOrEqualTo((int) (elapsedMillis / 10) + 5);
  }

  // ------------------------------------------------------------------------------------ helpers

  private static String newStream(RabbitStreamLog log, String prefix) {
    String stream = RabbitVhost.uniqueStream(prefix);
    log.createStream(stream, Retention.unlimited());
    return stream;
  }

  private static void append(RabbitStreamLog log, String stream, int from, int count) {
    try (LogWriter writer = log.writer(stream, null)) {
      for (int n = from; n < from + count; n++) {
        writer.append(n, ("m-" + n).getBytes(UTF_8));
      }
      writer.flush(TIMEOUT);
    }
  }

  private static List<LogMessage> readRange(
      RabbitStreamLog log, String stream, OffsetSpec from, int count) {
    try (LogReader reader = log.reader(stream, from)) {
      return readN(reader, count);
    }
  }

  private static List<LogMessage> readN(LogReader reader, int count) {
    List<LogMessage> out = new ArrayList<>();
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (out.size() < count) {
      if (System.nanoTime() > deadline) {
        fail("expected %d messages, got %d", count, out.size());
      }
      LogMessage m = reader.poll(Duration.ofMillis(100));
      if (m != null) {
        out.add(m);
      }
    }
    return out;
  }

  private static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }
}
