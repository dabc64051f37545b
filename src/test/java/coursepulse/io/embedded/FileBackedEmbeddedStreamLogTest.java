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
import coursepulse.engine.log.StreamStats;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@link StreamLogContract} against a file-backed {@link EmbeddedStreamLog} (small segments, so
 * the bulk test rolls over several files, and no cache, so every written message a reader comes to
 * is read back from its file), plus restart, recovery, retention on disk and streams larger than
 * the memory they may use.
 */
class FileBackedEmbeddedStreamLogTest extends StreamLogContract {

  private static final long T0 = 1_700_000_000_000L;

  @TempDir Path directory;

  @Override
  protected StreamLog newLog() {
    return EmbeddedStreamLog.builder()
        .directory(directory.resolve("contract"))
        .segmentBytes(64 << 10)
        .cacheBytes(0)
        .build();
  }

  @Test
  void shouldKeepMessagesOffsetsAndProducerStateAcrossRestart() {
    Path dir = directory.resolve("restart");
    try (StreamLog log = EmbeddedStreamLog.builder().directory(dir).segmentBytes(4096).build()) {
      log.createStream("02-Login", Retention.unlimited());
      append(log, "02-Login", "simulator", 0, 500);
      log.storeOffset("risk", "02-Login", 199);
      log.storeOffset("risk", "02-Login", 299);
      log.storeOffset("audit", "02-Login", 9);
    }

    try (EmbeddedStreamLog log = EmbeddedStreamLog.open(dir)) {
      assertThat(log.segmentCount("02-Login")).as("rolled over segments").isGreaterThan(3);
      assertThat(log.stats("02-Login")).hasValue(new StreamStats(0, 499));
      assertThat(log.queryOffset("risk", "02-Login")).hasValue(299);
      assertThat(log.queryOffset("audit", "02-Login")).hasValue(9);
      List<LogMessage> all = read(log, "02-Login", OffsetSpec.first(), 500);
      for (int i = 0; i < 500; i++) {
        assertThat(all.get(i).offset()).isEqualTo(i);
        assertThat(text(all.get(i))).isEqualTo(payload(i));
      }
      try (LogWriter writer = log.writer("02-Login", "simulator")) {
        assertThat(writer.lastPublishingId()).isEqualTo(499);
        // the restarted producer replays from an earlier point: only the new ids are stored
        for (int i = 490; i < 510; i++) {
          writer.append(i, payload(i).getBytes(UTF_8));
        }
        writer.flush(Duration.ofSeconds(1));
      }
      assertThat(log.stats("02-Login")).hasValue(new StreamStats(0, 509));
      assertThat(read(log, "02-Login", OffsetSpec.offset(500), 10).get(0).body())
          .asString(UTF_8)
          .isEqualTo(payload(500));
    }

    // and once more, to recover state that was written after the first recovery
    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      assertThat(log.stats("02-Login")).hasValue(new StreamStats(0, 509));
      try (LogWriter writer = log.writer("02-Login", "simulator")) {
        assertThat(writer.lastPublishingId()).isEqualTo(509);
      }
    }
  }

  @Test
  void shouldKeepTimestampsNonDecreasingAcrossRestartWhenTheClockGoesBack() {
    Path dir = directory.resolve("clock");
    MutableClock clock = new MutableClock(T0);
    try (StreamLog log = EmbeddedStreamLog.builder().directory(dir).clock(clock).build()) {
      log.createStream("s", Retention.unlimited());
      append(log, "s", null, 0, 2);
    }
    clock.set(T0 - 60_000);
    try (StreamLog log = EmbeddedStreamLog.builder().directory(dir).clock(clock).build()) {
      append(log, "s", null, 2, 3);
      assertThat(read(log, "s", OffsetSpec.first(), 3))
          .extracting(LogMessage::timestamp)
          .containsExactly(T0, T0, T0);
    }
  }

  @Test
  void shouldTruncateATornLastWriteAndContinueAfterIt() throws IOException {
    Path dir = directory.resolve("torn");
    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      log.createStream("s", Retention.unlimited());
      append(log, "s", "p", 0, 10);
    }
    Path segment = newestSegment(dir);
    long size = Files.size(segment);
    // a crash half-way through the last frame
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.truncate(size - 5);
    }

    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      assertThat(log.stats("s")).hasValue(new StreamStats(0, 8));
      try (LogWriter writer = log.writer("s", "p")) {
        assertThat(writer.lastPublishingId())
            .as("the lost message's id is free again")
            .isEqualTo(8);
        writer.append(9, "again".getBytes(UTF_8));
        writer.append(10, "after".getBytes(UTF_8));
      }
      List<LogMessage> tail = read(log, "s", OffsetSpec.offset(8), 3);
      assertThat(tail).extracting(LogMessage::offset).containsExactly(8L, 9L, 10L);
      assertThat(text(tail.get(1))).isEqualTo("again");
    }
    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      assertThat(log.stats("s")).hasValue(new StreamStats(0, 10));
    }
  }

  @Test
  void shouldDropGarbageAndCorruptFramesAtTheEndOfTheNewestSegment() throws IOException {
    Path dir = directory.resolve("garbage");
    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      log.createStream("s", Retention.unlimited());
      append(log, "s", null, 0, 5);
    }
    Path segment = newestSegment(dir);
    long size = Files.size(segment);
    // flip a byte of the last message's body, then add zeros as a crashed file system may leave
    try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'X'}), size - 1);
      ch.write(java.nio.ByteBuffer.allocate(4096), size);
    }

    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      assertThat(log.stats("s")).hasValue(new StreamStats(0, 3));
    }
    assertThat(Files.size(segment)).isLessThan(size);
  }

  @Test
  void shouldRefuseToOpenWhenAnOlderSegmentIsDamaged() throws IOException {
    Path dir = directory.resolve("damaged");
    try (StreamLog log = EmbeddedStreamLog.builder().directory(dir).segmentBytes(1024).build()) {
      log.createStream("s", Retention.unlimited());
      append(log, "s", null, 0, 200);
    }
    Path oldest = segments(dir).get(0);
    try (FileChannel ch = FileChannel.open(oldest, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(new byte[] {'X'}), Files.size(oldest) - 1);
    }

    assertThatThrownBy(() -> EmbeddedStreamLog.open(dir))
        .isInstanceOf(LogException.class)
        .hasMessageContaining(oldest.getFileName().toString())
        .hasMessageContaining("damaged");
    // the failed open released the directory
    assertThatThrownBy(() -> EmbeddedStreamLog.open(dir)).hasMessageContaining("damaged");
  }

  @Test
  void shouldDeleteSegmentFilesThatRetentionEmptiedAndKeepOffsetsAfterRestart() {
    Path dir = directory.resolve("retention");
    long firstBefore;
    try (EmbeddedStreamLog log =
        EmbeddedStreamLog.builder().directory(dir).segmentBytes(4096).build()) {
      log.createStream("s", new Retention(null, 10_000));
      try (LogWriter writer = log.writer("s", "p")) {
        for (int i = 0; i < 2_000; i++) {
          writer.append(i, new byte[100]);
        }
      }
      StreamStats stats = log.stats("s").orElseThrow();
      assertThat(stats.lastOffset()).isEqualTo(1_999);
      assertThat(stats.count()).isEqualTo(100);
      assertThat(log.segmentCount("s")).as("only segments holding kept messages").isLessThan(6);
      firstBefore = stats.firstOffset();
      log.storeOffset("c", "s", 1_500);
    }

    try (EmbeddedStreamLog log = EmbeddedStreamLog.open(dir)) {
      StreamStats stats = log.stats("s").orElseThrow();
      assertThat(stats.firstOffset()).isEqualTo(firstBefore);
      assertThat(stats.lastOffset()).isEqualTo(1_999);
      assertThat(log.queryOffset("c", "s")).hasValue(1_500);
      try (LogWriter writer = log.writer("s", "p")) {
        assertThat(writer.lastPublishingId()).isEqualTo(1_999);
        writer.append(2_000, new byte[100]);
      }
      assertThat(log.stats("s").orElseThrow().lastOffset()).isEqualTo(2_000);
    }
  }

  @Test
  void shouldHoldAStreamLargerThanItsCacheAndReadEveryMessageBackFromTheFiles() {
    Path dir = directory.resolve("paged");
    int count = 20_000;
    long cache = 256 << 10;
    // the bound: the cache, the block being filled and one being read (4,096 messages of ~1 KB)
    long bound = cache + 2L * MessageStore.BLOCK_MESSAGES * 1_100;
    try (EmbeddedStreamLog log =
        EmbeddedStreamLog.builder()
            .directory(dir)
            .segmentBytes(1 << 20)
            .cacheBytes(cache)
            .clock(new MutableClock(T0))
            .build()) {
      log.createStream("03-Activity", Retention.unlimited());
      appendLarge(log, "03-Activity", 0, count);
      assertThat(log.bodyBytesInMemory("03-Activity"))
          .as("heap bytes after writing %d KB", count)
          .isLessThan(bound);

      assertThat(readLarge(log, "03-Activity", OffsetSpec.first(), count)).isEqualTo(count);
      assertThat(log.bodyBytesInMemory("03-Activity")).as("after reading it all").isLessThan(bound);
    }

    try (EmbeddedStreamLog log =
        EmbeddedStreamLog.builder().directory(dir).cacheBytes(cache).build()) {
      assertThat(log.bodyBytesInMemory("03-Activity")).as("after opening").isZero();
      assertThat(log.stats("03-Activity")).hasValue(new StreamStats(0, count - 1));
      List<LogMessage> middle = read(log, "03-Activity", OffsetSpec.offset(12_345), 3);
      assertThat(middle).extracting(LogMessage::offset).containsExactly(12_345L, 12_346L, 12_347L);
      assertThat(text(middle.get(0))).isEqualTo(largePayload(12_345));
      assertThat(read(log, "03-Activity", OffsetSpec.timestamp(T0), 1).get(0).offset()).isZero();

      appendLarge(log, "03-Activity", count, count + 5_000);
      assertThat(readLarge(log, "03-Activity", OffsetSpec.first(), count + 5_000))
          .isEqualTo(count + 5_000);
      assertThat(log.bodyBytesInMemory("03-Activity")).as("after reopening").isLessThan(bound);
    }
  }

  @Test
  void shouldRebuildBlocksNoLargerThanLiveOnesWhenReopened() {
    Path dir = directory.resolve("large-messages");
    byte[] body = new byte[64 << 10];
    try (EmbeddedStreamLog log = EmbeddedStreamLog.builder().directory(dir).cacheBytes(0).build()) {
      log.createStream("s", Retention.unlimited());
      try (LogWriter writer = log.writer("s", null)) {
        for (int i = 0; i < 200; i++) {
          writer.append(i, body);
        }
        writer.flush(Duration.ofSeconds(5));
      }
    }
    try (EmbeddedStreamLog log = EmbeddedStreamLog.builder().directory(dir).cacheBytes(0).build()) {
      assertThat(read(log, "s", OffsetSpec.first(), 1)).hasSize(1);
      // 200 messages of 64 KB in one 13 MB segment: reading the first reads back one block only
      assertThat(log.bodyBytesInMemory("s")).isLessThanOrEqualTo(MessageStore.BLOCK_BYTES);
    }
  }

  @Test
  void shouldKeepBodiesInMemoryUntilTheyAreWrittenEvenWithNoCache() {
    try (EmbeddedStreamLog log =
        EmbeddedStreamLog.builder().directory(directory.resolve("unwritten")).cacheBytes(0).build()) {
      log.createStream("s", Retention.unlimited());
      // opened first: opening a reader writes out what is buffered, reading on does not
      try (LogReader reader = log.reader("s", OffsetSpec.first());
          LogWriter writer = log.writer("s", null)) {
        int count = MessageStore.BLOCK_MESSAGES + 1;
        for (int i = 0; i < count; i++) {
          writer.append(i, sizedPayload(i, 100).getBytes(UTF_8));
        }
        // the first block is full and its last messages are still in the write buffer: its
        // bodies must stay in memory, or reading its written part would read past the file's end
        for (int i = 0; i < count; i++) {
          LogMessage m = reader.poll(Duration.ofSeconds(5));
          assertThat(m).as("message %d", i).isNotNull();
          assertThat(text(m)).isEqualTo(sizedPayload(i, 100));
        }
      }
    }
  }

  @Test
  void shouldShareOneCacheAmongAllStreamsOfALog() {
    int streams = 20;
    int perStream = 60_000;
    long cache = 2 << 20;
    try (EmbeddedStreamLog log =
        EmbeddedStreamLog.builder()
            .directory(directory.resolve("shared-cache"))
            .cacheBytes(cache)
            .build()) {
      for (int s = 0; s < streams; s++) {
        log.createStream("p-" + s, Retention.unlimited());
        try (LogWriter writer = log.writer("p-" + s, "simulator")) {
          for (int i = 0; i < perStream; i++) {
            writer.append(i, sizedPayload(i, 100).getBytes(UTF_8));
          }
        }
      }
      long inMemory = 0;
      for (int s = 0; s < streams; s++) {
        assertThat(text(read(log, "p-" + s, OffsetSpec.offset(7), 1).get(0)))
            .isEqualTo(sizedPayload(7, 100));
        inMemory += log.bodyBytesInMemory("p-" + s);
      }
      // 20 streams of 6 MB each: the shared 2 MiB, and per stream the block it is filling (2,656
      // messages in an array of 512 KB) and the block its reader is on (4,096 messages, 410 KB);
      // a cache of 2 MiB per stream would keep 20 times that
      long bound = cache + streams * ((512 << 10) + 420_000L);
      assertThat(inMemory).as("bodies in memory, all streams").isLessThan(bound);
      assertThat(log.cachedBodyBytes()).isLessThanOrEqualTo(inMemory);

      long before = log.cachedBodyBytes();
      long deleted = log.bodyBytesInMemory("p-0");
      log.deleteStream("p-0");
      assertThat(log.cachedBodyBytes()).as("a deleted stream's share is given back")
          .isEqualTo(before - deleted);
    }
  }

  @Test
  void shouldFailTheStreamWithAClearErrorWhenAWrittenSegmentCannotBeReadBack() throws IOException {
    Path dir = directory.resolve("vanished");
    try (EmbeddedStreamLog log =
        EmbeddedStreamLog.builder().directory(dir).segmentBytes(64 << 10).cacheBytes(0).build()) {
      log.createStream("s", Retention.unlimited());
      appendLarge(log, "s", 0, 1_000);
      Files.delete(segments(dir).get(0));

      try (LogReader reader = log.reader("s", OffsetSpec.first())) {
        assertThatThrownBy(() -> reader.poll(Duration.ofSeconds(1)))
            .isInstanceOf(LogException.class)
            .hasMessageContaining("cannot read stream 's'")
            .hasMessageContaining("00000000000000000000.segment")
            .hasMessageContaining("reopened");
      }
    }
  }

  @Test
  void shouldForgetADeletedStreamAfterRestart() {
    Path dir = directory.resolve("deleted");
    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      log.createStream("gone", Retention.unlimited());
      log.createStream("kept", Retention.unlimited());
      append(log, "gone", null, 0, 3);
      log.deleteStream("gone");
    }

    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      assertThat(log.streamExists("gone")).isFalse();
      assertThat(log.streamExists("kept")).isTrue();
    }
  }

  @Test
  void shouldStoreStreamsWhoseNamesAreNotFileNames() {
    Path dir = directory.resolve("names");
    List<String> names = List.of("a/b", "..", "Ünïcode stream", "x".repeat(255), "05-Risk.v2");
    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      for (String name : names) {
        log.createStream(name, Retention.unlimited());
        append(log, name, null, 0, 1);
      }
    }
    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      for (String name : names) {
        assertThat(log.stats(name)).as(name).hasValue(new StreamStats(0, 0));
      }
    }
  }

  @Test
  void shouldRefuseASecondLogOnTheSameDirectory() {
    Path dir = directory.resolve("locked");
    try (StreamLog log = EmbeddedStreamLog.open(dir)) {
      assertThatThrownBy(() -> EmbeddedStreamLog.open(dir))
          .isInstanceOf(LogException.class)
          .hasMessageContaining("in use");
    }
    EmbeddedStreamLog.open(dir).close();
  }

  @Test
  void shouldShowMessagesToReadersOfAProducerThatNeverFlushes() {
    try (StreamLog log = EmbeddedStreamLog.open(directory.resolve("unflushed"))) {
      log.createStream("s", Retention.unlimited());
      LogWriter writer = log.writer("s", null);
      writer.append(0, "one".getBytes(UTF_8));

      try (LogReader reader = log.reader("s", OffsetSpec.first())) {
        assertThat(reader.poll(Duration.ofSeconds(1))).isNotNull();
        writer.append(1, "two".getBytes(UTF_8));
        assertThat(text(reader.poll(Duration.ofSeconds(1)))).isEqualTo("two");
      }
    }
  }

  private static void append(StreamLog log, String stream, String producer, int from, int to) {
    try (LogWriter writer = log.writer(stream, producer)) {
      for (int i = from; i < to; i++) {
        writer.append(i, payload(i).getBytes(UTF_8));
      }
      writer.flush(Duration.ofSeconds(1));
    }
  }

  private static void appendLarge(StreamLog log, String stream, int from, int to) {
    try (LogWriter writer = log.writer(stream, "simulator")) {
      for (int i = from; i < to; i++) {
        writer.append(i, largePayload(i).getBytes(UTF_8));
      }
      writer.flush(Duration.ofSeconds(5));
    }
  }

  /** Reads {@code count} messages and checks each one's body; returns how many matched. */
  private static int readLarge(StreamLog log, String stream, OffsetSpec from, int count) {
    int matched = 0;
    try (LogReader reader = log.reader(stream, from)) {
      for (int i = 0; i < count; i++) {
        LogMessage m = reader.poll(Duration.ofSeconds(5));
        assertThat(m).as("message %d of %d", i, count).isNotNull();
        assertThat(text(m)).as("body at offset %d", m.offset()).isEqualTo(largePayload(i));
        matched++;
      }
    }
    return matched;
  }

  /** About a kilobyte, different for every message, so a body read from the wrong place shows. */
  private static String largePayload(int i) {
    return sizedPayload(i, 1_000);
  }

  private static String sizedPayload(int i, int bytes) {
    return ("event-" + i + "-").repeat(bytes / (8 + String.valueOf(i).length())) + i;
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

  private static List<Path> segments(Path logDir) throws IOException {
    try (Stream<Path> files = Files.walk(logDir.resolve("streams"))) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(SegmentLog.SEGMENT_SUFFIX))
          .sorted()
          .toList();
    }
  }

  private static Path newestSegment(Path logDir) throws IOException {
    List<Path> all = segments(logDir);
    return all.get(all.size() - 1);
  }
}
