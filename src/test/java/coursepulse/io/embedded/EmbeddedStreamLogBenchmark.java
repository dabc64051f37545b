package coursepulse.io.embedded;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * Append and read rates of the embedded log for 1,000,000 messages of 100 bytes: in memory and
 * file-backed. Not a unit test; run by hand:
 *
 * <pre>
 * mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/classes:target/test-classes:$(cat target/cp.txt) \
 *     coursepulse.io.embedded.EmbeddedStreamLogBenchmark [messages]
 * </pre>
 */
public final class EmbeddedStreamLogBenchmark {

  private EmbeddedStreamLogBenchmark() {}

  public static void main(String[] args) throws Exception {
    int messages = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    for (int round = 0; round < 3; round++) {
      boolean report = round == 2; // the first rounds warm up the JIT
      run("in memory", EmbeddedStreamLog.inMemory(), messages, report);
      Path dir = Files.createTempDirectory("cp-bench");
      run(
          "file, fsync never",
          EmbeddedStreamLog.builder()
              .directory(dir)
              .fsyncPolicy(EmbeddedStreamLog.FsyncPolicy.NEVER)
              .build(),
          messages,
          report);
      LogDirectory.deleteRecursively(dir);
      dir = Files.createTempDirectory("cp-bench");
      run("file, fsync every 10,000", EmbeddedStreamLog.open(dir), messages, report);
      LogDirectory.deleteRecursively(dir);
    }
  }

  private static void run(String what, StreamLog log, int messages, boolean report) {
    byte[] body = new byte[100];
    try (log) {
      log.createStream("bench", Retention.unlimited());
      long start = System.nanoTime();
      try (LogWriter writer = log.writer("bench", "bench-producer")) {
        for (int i = 0; i < messages; i++) {
          writer.append(i, body);
          if (i % 10_000 == 9_999) {
            writer.flush(Duration.ofSeconds(30));
          }
        }
        writer.flush(Duration.ofSeconds(30));
      }
      long appended = System.nanoTime();
      long bytes = 0;
      try (LogReader reader = log.reader("bench", OffsetSpec.first())) {
        for (int i = 0; i < messages; i++) {
          LogMessage m = reader.poll(Duration.ofSeconds(30));
          bytes += m.body().length;
        }
      }
      long read = System.nanoTime();
      if (report) {
        System.out.printf(
            Locale.ROOT,
            "%-26s append %,12.0f msg/s   read %,12.0f msg/s   (%d bytes read)%n",
            what,
            messages / ((appended - start) / 1e9),
            messages / ((read - appended) / 1e9),
            bytes);
      }
    }
  }
}
