package coursepulse.lms.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.lms.publish.Pacer;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DeterminismTest {

  private static String digest(SimulationConfig config, Pacer pacer) throws Exception {
    Simulation sim = new Simulation(config);
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new SimulationPublisher(pacer, p -> {}).writeNdjson(sim, out);
    md.update(out.toByteArray());
    StringBuilder truth = new StringBuilder();
    sim.writeGroundTruth(truth);
    md.update(truth.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(md.digest());
  }

  private static SimulationConfig small() {
    return SimulationConfig.defaults().withStudents(300).withDays(28);
  }

  @Test
  void shouldProduceTheSameBytesForTheSameSeed() throws Exception {
    assertThat(digest(small(), Pacer.unlimited())).isEqualTo(digest(small(), Pacer.unlimited()));
  }

  @Test
  void shouldProduceTheSameBytesRegardlessOfSpeed() throws Exception {
    // 28 days plus the enrolment window in well under a second of pacing
    assertThat(digest(small().withDays(2), Pacer.of(1e9)))
        .isEqualTo(digest(small().withDays(2), Pacer.unlimited()));
  }

  @Test
  void shouldProduceDifferentEventsForADifferentSeed() throws Exception {
    assertThat(digest(small().withSeed(7), Pacer.unlimited()))
        .isNotEqualTo(digest(small(), Pacer.unlimited()));
  }

  @Test
  void shouldNameProducersAfterEveryOptionThatShapesTheOutput() {
    SimulationConfig base = small();
    assertThat(base.producerName()).isEqualTo(small().producerName());
    assertThat(base.producerName())
        .isNotEqualTo(base.withSeed(1).producerName())
        .isNotEqualTo(base.withDays(29).producerName())
        .isNotEqualTo(base.withStudents(301).producerName())
        .isNotEqualTo(base.withCourses(21).producerName())
        .isNotEqualTo(base.withMaxCoursesPerStudent(2).producerName())
        .isNotEqualTo(base.withMix(PersonaMix.parse("engaged=1")).producerName());
  }

  @Test
  void shouldEmitEventsInEventTimeOrderPerStreamWithDenseSequences() {
    SimulationRun run = new Simulation(small()).run();
    long[] lastTime = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE};
    long[] nextSeq = new long[3];
    long previous = Long.MIN_VALUE;
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      int s = e.streamIndex();
      assertThat(e.epochSecond()).isGreaterThanOrEqualTo(lastTime[s]).isGreaterThanOrEqualTo(previous);
      assertThat(e.sequence()).isEqualTo(nextSeq[s]++);
      lastTime[s] = e.epochSecond();
      previous = e.epochSecond();
    }
    assertThat(nextSeq).doesNotContain(0L);
  }
}
