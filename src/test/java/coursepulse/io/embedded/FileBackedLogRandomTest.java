package coursepulse.io.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file-backed log with a small shared cache under a seeded random mix of what its users do:
 * appends of small and large messages (many larger than a segment, so blocks end at segment rolls),
 * with and without deduplication, stored consumer offsets between messages, flushes, readers from
 * random offsets and readers that stay open while writers go on, size retention, reopening the log, and deleting and recreating a stream. Every
 * body read must be the one appended at that offset (each body is derived from its stream's
 * generation and offset), and the cache's count of held bytes must never go negative and must be
 * back to zero once every stream is deleted.
 */
class FileBackedLogRandomTest {

  private static final String[] STREAMS = {"a", "b", "c"};

  @TempDir Path directory;

  @ParameterizedTest(name = "cache {0} bytes, segments of {1} bytes")
  @CsvSource({"0, 49152", "98304, 49152"})
  void shouldReadBackEveryBodyAsAppendedWhateverTheOrderOfOperations(
      long cacheBytes, long segmentBytes) {
    Path dir = directory.resolve("log");
    Random random = new Random(42);
    Map<String, Integer> generation = new HashMap<>();
    Map<String, Long> nextOffset = new HashMap<>();
    Map<String, LogWriter> writers = new HashMap<>();
    Map<String, LogReader> followers = new HashMap<>();
    int generations = 0;
    long verified = 0;
    EmbeddedStreamLog log = open(dir, cacheBytes, segmentBytes);
    try {
      for (String s : STREAMS) {
        log.createStream(s, retentionOf(s));
        generation.put(s, generations++);
        nextOffset.put(s, 0L);
      }
      for (int step = 0; step < 2_000; step++) {
        String s = STREAMS[random.nextInt(STREAMS.length)];
        int operation = random.nextInt(100);
        if (operation < 60) {
          EmbeddedStreamLog current = log;
          LogWriter writer =
              writers.computeIfAbsent(
                  s, k -> current.writer(k, random.nextBoolean() ? "producer-" + k : null));
          int count = 1 + random.nextInt(60);
          for (int i = 0; i < count; i++) {
            // publishing ids rise, so a deduplicating writer stores every message
            long offset = nextOffset.merge(s, 1L, Long::sum) - 1;
            writer.append(step * 1_000L + i, body(generation.get(s), offset));
            if (random.nextInt(5) == 0) {
              log.storeOffset("consumer-" + random.nextInt(3), s, offset);
            }
          }
          if (random.nextInt(4) == 0) {
            writer.flush(Duration.ofSeconds(5));
          }
        } else if (operation < 80) {
          verified += readFromARandomOffset(log, s, generation.get(s), random);
        } else if (operation < 90) {
          // a reader that stays open while writers go on without flushing, so it reads blocks
          // whose last messages are still only in the writer's buffer
          EmbeddedStreamLog current = log;
          LogReader follower =
              followers.computeIfAbsent(s, k -> current.reader(k, OffsetSpec.first()));
          verified += check(follower, s, generation.get(s), 1 + random.nextInt(300));
        } else if (operation < 95) {
          writers.values().forEach(LogWriter::close);
          writers.clear();
          followers.values().forEach(LogReader::close);
          followers.clear();
          log.close();
          log = open(dir, cacheBytes, segmentBytes);
        } else if (operation < 97) {
          LogWriter writer = writers.remove(s);
          if (writer != null) {
            writer.close();
          }
          LogReader follower = followers.remove(s);
          if (follower != null) {
            follower.close();
          }
          log.deleteStream(s);
          log.createStream(s, retentionOf(s));
          generation.put(s, generations++);
          nextOffset.put(s, 0L);
        }
        assertThat(log.cachedBodyBytes()).as("bytes held by the cache").isNotNegative();
      }
      writers.values().forEach(LogWriter::close);
      followers.values().forEach(LogReader::close);
      assertThat(verified).as("bodies read and checked").isGreaterThan(30_000);
      for (String s : STREAMS) {
        log.deleteStream(s);
      }
      assertThat(log.cachedBodyBytes()).as("cache after deleting every stream").isZero();
    } finally {
      log.close();
    }
  }

  private static long readFromARandomOffset(
      EmbeddedStreamLog log, String stream, int generation, Random random) {
    Optional<StreamStats> stats = log.stats(stream);
    if (stats.isEmpty()) {
      return 0;
    }
    long first = stats.get().firstOffset();
    long from = first + (long) (random.nextDouble() * stats.get().count());
    try (LogReader reader = log.reader(stream, OffsetSpec.offset(from))) {
      return check(reader, stream, generation, 1 + random.nextInt(600));
    }
  }

  /** Polls up to {@code most} messages and checks each body; returns how many it read. */
  private static long check(LogReader reader, String stream, int generation, int most) {
    long read = 0;
    for (int i = 0; i < most; i++) {
      LogMessage m = reader.poll(Duration.ZERO);
      if (m == null) {
        break;
      }
      assertThat(m.body())
          .as("stream %s, offset %d", stream, m.offset())
          .isEqualTo(body(generation, m.offset()));
      read++;
    }
    return read;
  }

  /** One in ten bodies is 20–60 KB, larger than a small segment; the rest up to 700 bytes. */
  private static byte[] body(int generation, long offset) {
    Random r = new Random(generation * 1_000_003L + offset);
    int size = r.nextInt(10) == 0 ? 20_000 + r.nextInt(40_000) : 1 + r.nextInt(700);
    byte[] b = new byte[size];
    r.nextBytes(b);
    return b;
  }

  private static Retention retentionOf(String stream) {
    return stream.equals("c") ? new Retention(null, 300_000) : Retention.unlimited();
  }

  private static EmbeddedStreamLog open(Path dir, long cacheBytes, long segmentBytes) {
    return EmbeddedStreamLog.builder()
        .directory(dir)
        .segmentBytes(segmentBytes)
        .cacheBytes(cacheBytes)
        .build();
  }
}
