package coursepulse.lms.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.SubmissionCreated;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EventSchemaTest {

  @Test
  void shouldEncodeEveryEventTypeExactlyAsTheCodecAndDecodeItBack() {
    Simulation sim = new Simulation(SimulationConfig.defaults().withStudents(150).withDays(105));
    Map<String, Integer> seen = new HashMap<>();
    SimulationRun run = sim.run();
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      LmsEvent record = e.toLmsEvent();
      byte[] json = e.toJson();
      assertThat(json).as("hand-written JSON of %s", e.type()).isEqualTo(EventCodec.encode(record));
      LmsEvent decoded = EventCodec.decode(json);
      assertThat(decoded).isEqualTo(record);
      assertThat(decoded.type()).isEqualTo(e.type());
      assertThat(decoded.stream()).isEqualTo(e.stream());
      assertThat(decoded.eventId()).isEqualTo(e.eventId());
      assertThat(decoded.schemaVersion()).isEqualTo(LmsEvent.SCHEMA_VERSION);
      seen.merge(e.type(), 1, Integer::sum);
    }
    assertThat(seen.keySet())
        .containsExactlyInAnyOrder(
            "enrollment_created", "enrollment_dropped", "logged_in", "logged_out",
            "assignment_created", "submission_created", "asset_accessed");
  }

  @Test
  void shouldFillRequiredFieldsWithOpaqueIdsAndPersonalDataOnlyInEnrolments() {
    Simulation sim = new Simulation(SimulationConfig.defaults().withStudents(100).withDays(30));
    SimulationRun run = sim.run();
    Set<String> ids = new HashSet<>();
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      LmsEvent ev = e.toLmsEvent();
      assertThat(ids.add(ev.eventId())).as("unique eventId").isTrue();
      assertThat(ev.key()).matches("[sc]-\\d+");
      if (ev instanceof EnrollmentCreated c) {
        assertThat(c.name()).isNotBlank();
        assertThat(c.email()).endsWith("@students.example.edu");
        assertThat(c.role()).isEqualTo("student");
        // courses start on the term's first day or up to six days later, at local midnight
        assertThat(c.courseStart())
            .isAfterOrEqualTo(sim.termStart().minusSeconds(12 * 3600))
            .isBefore(sim.termStart().plusSeconds(7 * 86400));
        assertThat(c.courseEnd()).isAfter(c.courseStart()).isBeforeOrEqualTo(sim.termEnd().plusSeconds(12 * 3600));
      } else if (ev instanceof EnrollmentDropped d) {
        assertThat(d.reason()).isEqualTo("withdrawn");
      } else if (ev instanceof LoggedIn l) {
        assertThat(l.device()).isIn("desktop", "mobile", "tablet");
        assertThat(l.userAgent()).startsWith("Mozilla/5.0");
      } else if (ev instanceof AssignmentCreated a) {
        assertThat(a.dueAt()).isAfter(a.occurredAt());
        assertThat(a.assignmentId()).startsWith(a.courseId() + "-a");
        assertThat(a.kind()).isIn("TMA", "CMA");
        assertThat(a.weight()).isPositive();
      } else if (ev instanceof SubmissionCreated s) {
        assertThat(s.assignmentId()).startsWith(s.courseId() + "-a");
        assertThat(s.score()).isBetween(0.0, 100.0);
      } else if (ev instanceof AssetAccessed a) {
        assertThat(a.assetKind()).isIn("page", "file", "video", "quiz", "discussion");
      }
      String json = new String(e.toJson(), java.nio.charset.StandardCharsets.UTF_8);
      if (!(ev instanceof EnrollmentCreated)) {
        assertThat(json).doesNotContain("@").doesNotContain("\"name\"");
      }
    }
  }
}
