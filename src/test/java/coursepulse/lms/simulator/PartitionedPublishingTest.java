package coursepulse.lms.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.Progress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Publishing into partitioned inputs: every event of a student lands in the same partition number
 * of each input (co-partitioning, by the log's routing), course-wide events in every partition,
 * and a second run adds nothing (each partition resumes after its own last event).
 */
class PartitionedPublishingTest {

  private static final int PARTITIONS = 3;
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Simulation simulation() {
    return new Simulation(SimulationConfig.defaults().withStudents(120).withDays(21));
  }

  private static SimulationPublisher publisher() {
    return new SimulationPublisher(Pacer.unlimited(), p -> {});
  }

  @Test
  void shouldRouteEveryStudentToOnePartitionOfEachInputAndBroadcastCourseEvents() throws Exception {
    try (EmbeddedStreamLog log = EmbeddedStreamLog.inMemory()) {
      for (String input : StreamNames.INPUTS) {
        log.createSuperStream(input, PARTITIONS, Retention.unlimited());
      }
      Progress done = publisher().publish(simulation(), log);

      Map<String, Integer> partitionOfStudent = new HashMap<>();
      Map<String, Set<Integer>> partitionsOfCourseEvent = new HashMap<>();
      long stored = 0;
      for (String input : StreamNames.INPUTS) {
        assertThat(log.streamExists(input)).as("no plain stream beside the super stream").isFalse();
        List<String> partitions = log.partitions(input);
        for (int k = 0; k < PARTITIONS; k++) {
          for (String body : read(log, partitions.get(k))) {
            stored++;
            JsonNode event = JSON.readTree(body);
            String student = event.path("studentId").asText(null);
            if (student == null) {
              partitionsOfCourseEvent
                  .computeIfAbsent(event.path("eventId").asText(), e -> new HashSet<>())
                  .add(k);
              continue;
            }
            assertThat(k).isEqualTo(log.partitionFor(student, PARTITIONS));
            Integer before = partitionOfStudent.putIfAbsent(student, k);
            assertThat(before == null ? k : before).as("partition of %s", student).isEqualTo(k);
          }
        }
      }
      assertThat(partitionOfStudent.values()).containsOnly(0, 1, 2).contains(0, 1, 2);
      assertThat(partitionsOfCourseEvent).isNotEmpty();
      assertThat(partitionsOfCourseEvent.values()).allSatisfy(p -> assertThat(p).hasSize(PARTITIONS));
      assertThat(stored)
          .isEqualTo(done.total() + (PARTITIONS - 1L) * partitionsOfCourseEvent.size());

      Progress again = publisher().publish(simulation(), log);
      assertThat(again.total()).as("events sent by a second run").isZero();
    }
  }

  @Test
  void shouldRefuseInputsPartitionedDifferently() {
    try (EmbeddedStreamLog log = EmbeddedStreamLog.inMemory()) {
      log.createSuperStream(StreamNames.INPUTS.get(0), PARTITIONS, Retention.unlimited());
      log.createStream(StreamNames.INPUTS.get(1), Retention.unlimited());
      assertThatThrownBy(() -> publisher().publish(simulation(), log))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("not partitioned alike");
    }
  }

  private static List<String> read(EmbeddedStreamLog log, String stream) {
    List<String> out = new ArrayList<>();
    long end = log.stats(stream).map(s -> s.lastOffset() + 1).orElse(0L);
    try (LogReader r = log.reader(stream, OffsetSpec.first())) {
      LogMessage m;
      while (out.size() < end && (m = r.poll(Duration.ofSeconds(5))) != null) {
        out.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
