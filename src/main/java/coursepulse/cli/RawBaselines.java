package coursepulse.cli;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.rabbit.RabbitBench;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The baselines {@code bench} compares the product with: the raw client publishing and reading
 * pre-encoded events ({@code raw-publish}, {@code raw-consume}) and reading plus decoding them
 * ({@code raw-decode}). On RabbitMQ they use the stream-client directly ({@link RabbitBench}), on
 * the embedded log its writer and reader. All work on the stream {@value #STREAM}.
 */
final class RawBaselines {

  /** The one stream the baselines write and read. */
  static final String STREAM = "bench-raw";

  private RawBaselines() {}

  /**
   * Encodes up to {@code max} events of {@code simulation} before anything is timed, so the raw
   * rows measure I/O only.
   */
  static List<byte[]> encode(Simulation simulation, long max) {
    List<byte[]> bodies = new ArrayList<>();
    SimulationRun run = simulation.run();
    for (SimEvent e = run.next(); e != null && bodies.size() < max; e = run.next()) {
      bodies.add(e.toJson());
    }
    return bodies;
  }

  /** Nanoseconds to append {@code bodies} to {@link #STREAM} with confirms (flushed). */
  static long publish(StreamLog streams, List<byte[]> bodies) throws InterruptedException {
    if (streams instanceof RabbitStreamLog rabbit) {
      return RabbitBench.rawPublish(rabbit, STREAM, bodies);
    }
    try (LogWriter writer = streams.writer(STREAM, STREAM)) {
      long start = System.nanoTime();
      long id = 0;
      for (byte[] b : bodies) {
        writer.append(++id, b);
      }
      writer.flush(BenchApp.WAIT);
      return System.nanoTime() - start;
    }
  }

  /**
   * Reads {@code n} messages of {@link #STREAM} from the first, handing each body to {@code
   * onBody}: the raw stream-client with the engine readers' flow strategy on RabbitMQ, a {@link
   * LogReader} loop on the embedded log.
   *
   * @return the nanoseconds it took
   */
  static long consume(StreamLog streams, int n, Consumer<byte[]> onBody)
      throws InterruptedException {
    if (streams instanceof RabbitStreamLog rabbit) {
      return RabbitBench.rawConsume(rabbit, STREAM, n, onBody);
    }
    long start = System.nanoTime();
    try (LogReader reader = streams.reader(STREAM, OffsetSpec.first())) {
      int read = 0;
      while (read < n) {
        LogMessage m = reader.poll(Duration.ofMillis(100));
        if (m != null) {
          onBody.accept(m.body());
          read++;
        } else if (System.nanoTime() - start > BenchApp.WAIT.toNanos()) {
          throw new IllegalStateException("raw consume got " + read + " of " + n);
        }
      }
    }
    return System.nanoTime() - start;
  }

  /** The {@code raw-decode} work: decoding and validating an event, result kept alive. */
  static void decode(byte[] body) {
    decoded = EventCodec.decode(body);
  }

  // written so the JIT cannot drop the decoding as dead code
  @SuppressWarnings("unused")
  private static volatile LmsEvent decoded;
}
