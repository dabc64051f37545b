package coursepulse.lms.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.LogException;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.Progress;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulationPublisherTest {

  private static Simulation simulation() {
    return new Simulation(SimulationConfig.defaults().withStudents(200).withDays(14));
  }

  private static SimulationPublisher publisher() {
    return new SimulationPublisher(Pacer.unlimited(), p -> {});
  }

  private static List<String> contents(InMemoryStreamLog log, String stream) {
    List<String> out = new ArrayList<>();
    log.streams.get(stream).forEach(b -> out.add(new String(b, java.nio.charset.StandardCharsets.UTF_8)));
    return out;
  }

  @Test
  void shouldFillTheThreeInputStreamsWithTheRunsEvents() {
    InMemoryStreamLog log = new InMemoryStreamLog();
    Progress done = publisher().publish(simulation(), log);

    ByteArrayOutputStream ndjson = new ByteArrayOutputStream();
    publisher().writeNdjson(simulation(), ndjson);
    List<String> lines = List.of(ndjson.toString(java.nio.charset.StandardCharsets.UTF_8).split("\n"));
    assertThat(done.total()).isEqualTo(lines.size());
    List<String> all = new ArrayList<>();
    for (String s : StreamNames.INPUTS) {
      assertThat(contents(log, s)).isNotEmpty();
      all.addAll(contents(log, s));
    }
    assertThat(all).containsExactlyInAnyOrderElementsOf(lines);
  }

  @Test
  void shouldResumeAfterACrashWithoutDuplicatesOrGaps() {
    InMemoryStreamLog reference = new InMemoryStreamLog();
    long total = publisher().publish(simulation(), reference).total();
    long crashAfter = total / 2 + 17;

    InMemoryStreamLog log = new InMemoryStreamLog();
    log.failAfter = crashAfter;
    assertThatThrownBy(() -> publisher().publish(simulation(), log)).isInstanceOf(LogException.class);
    long partial = StreamNames.INPUTS.stream().mapToLong(s -> log.streams.get(s).size()).sum();
    assertThat(partial).isEqualTo(crashAfter);

    log.failAfter = -1;
    Progress resumed = publisher().publish(simulation(), log);

    assertThat(resumed.skipped()).isEqualTo(crashAfter);
    assertThat(resumed.total()).isEqualTo(total - crashAfter);
    for (String s : StreamNames.INPUTS) {
      assertThat(contents(log, s)).as(s).containsExactlyElementsOf(contents(reference, s));
    }
  }

  @Test
  void shouldAddNothingWhenRestartedAfterCompleting() {
    InMemoryStreamLog log = new InMemoryStreamLog();
    Progress first = publisher().publish(simulation(), log);
    Progress second = publisher().publish(simulation(), log);
    assertThat(second.total()).isZero();
    assertThat(second.skipped()).isEqualTo(first.total());
  }

  @Test
  void shouldNotShareDeduplicationWithADifferentConfiguration() {
    InMemoryStreamLog log = new InMemoryStreamLog();
    publisher().publish(simulation(), log);
    Simulation other = new Simulation(simulation().config().withSeed(43));
    Progress p = publisher().publish(other, log);
    assertThat(p.skipped()).isZero();
    assertThat(p.total()).isPositive();
  }
}
