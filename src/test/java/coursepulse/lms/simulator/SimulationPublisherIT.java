package coursepulse.lms.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.ForwardingLogWriter;
import coursepulse.engine.log.LogException;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.Progress;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The producer against RabbitMQ: killed mid-run and restarted, it adds no duplicate and no gap. */
@ExtendWith(RabbitMqExtension.class)
class SimulationPublisherIT {

  @Test
  void shouldResumeAfterBeingKilledWithoutDuplicatesOrGaps(RabbitVhost vhost) {
    Simulation sim = new Simulation(SimulationConfig.defaults().withStudents(300).withDays(21));
    Map<String, List<String>> expected = expectedPerStream(sim);
    long total = expected.values().stream().mapToLong(List::size).sum();

    try (RabbitStreamLog rabbit = vhost.openLog()) {
      StreamLog dying = new DyingLog(rabbit, total / 2);
      assertThatThrownBy(() -> new SimulationPublisher(Pacer.unlimited(), p -> {}).publish(sim, dying))
          .isInstanceOf(LogException.class);
    }

    Progress resumed;
    try (RabbitStreamLog rabbit = vhost.openLog()) {
      resumed = new SimulationPublisher(Pacer.unlimited(), p -> {}).publish(sim, rabbit);
    }
    assertThat(resumed.skipped()).isPositive();

    try (RabbitStreamLog rabbit = vhost.openLog()) {
      for (String stream : StreamNames.INPUTS) {
        List<String> expectedBodies = expected.get(stream);
        assertThat(readAll(rabbit, stream, expectedBodies.size()))
            .as(stream)
            .containsExactlyElementsOf(expectedBodies);
        Optional<StreamStats> stats = rabbit.stats(stream);
        assertThat(stats).isPresent();
        assertThat(stats.get().lastOffset()).isLessThan(expectedBodies.size());
      }
    }
  }

  private static Map<String, List<String>> expectedPerStream(Simulation sim) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new SimulationPublisher(Pacer.unlimited(), p -> {}).writeNdjson(sim, out);
    Map<String, List<String>> byStream = new HashMap<>();
    StreamNames.INPUTS.forEach(s -> byStream.put(s, new ArrayList<>()));
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      String type = line.substring(9, line.indexOf('"', 9));
      String stream =
          type.startsWith("enrollment")
              ? StreamNames.ENROLLMENT
              : type.startsWith("logged") ? StreamNames.LOGIN : StreamNames.ACTIVITY;
      byStream.get(stream).add(line);
    }
    return byStream;
  }

  /** Reads until {@code expected} messages arrived and one more poll finds nothing. */
  private static List<String> readAll(StreamLog log, String stream, int expected) {
    List<String> bodies = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    try (LogReader reader = log.reader(stream, OffsetSpec.first())) {
      while (System.nanoTime() < deadline) {
        LogMessage m = reader.poll(Duration.ofMillis(bodies.size() >= expected ? 1_000 : 200));
        if (m == null) {
          if (bodies.size() >= expected) {
            break;
          }
          continue;
        }
        bodies.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return bodies;
  }

  /**
   * Passes appends through to RabbitMQ until a budget is spent, then fails like a killed process:
   * what was sent may or may not be confirmed, exactly the uncertainty a restart must handle.
   */
  private static final class DyingLog implements StreamLog {
    private final StreamLog delegate;
    private final AtomicLong budget;

    DyingLog(StreamLog delegate, long appends) {
      this.delegate = delegate;
      this.budget = new AtomicLong(appends);
    }

    @Override
    public LogWriter writer(String stream, String producerName) {
      LogWriter w = delegate.writer(stream, producerName);
      return new ForwardingLogWriter(w) {
        @Override
        public void append(long publishingId, byte[] body) {
          if (budget.decrementAndGet() < 0) {
            throw new LogException("producer killed (test)");
          }
          delegate.append(publishingId, body);
        }
      };
    }

    @Override
    public void createStream(String stream, Retention retention) {
      delegate.createStream(stream, retention);
    }

    @Override
    public void deleteStream(String stream) {
      delegate.deleteStream(stream);
    }

    @Override
    public boolean streamExists(String stream) {
      return delegate.streamExists(stream);
    }

    @Override
    public Optional<StreamStats> stats(String stream) {
      return delegate.stats(stream);
    }

    @Override
    public LogReader reader(String stream, OffsetSpec from) {
      return delegate.reader(stream, from);
    }

    @Override
    public void storeOffset(String consumerName, String stream, long offset) {
      delegate.storeOffset(consumerName, stream, offset);
    }

    @Override
    public OptionalLong queryOffset(String consumerName, String stream) {
      return delegate.queryOffset(consumerName, stream);
    }

    @Override
    public String describe() {
      return "dying " + delegate.describe();
    }

    @Override
    public void close() {}
  }
}
