package coursepulse.lms.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class SimulationConfigTest {

  @Test
  void shouldRefuseStartsWhoseEventsReadersWouldRefuse() {
    for (String start : new String[] {"1960-01-04", "1970-06-01", "2199-06-01", "9999-01-01"}) {
      assertThatThrownBy(() -> SimulationConfig.defaults().withStart(LocalDate.parse(start)))
          .as(start)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("start must be 1971-01-01..2198-12-31, was " + start)
          .hasMessageContaining("between 1970 and 2200");
    }
  }

  /** At both ends of the range, with the longest term, every event lies where readers accept it. */
  @Test
  void shouldKeepEveryEventOfTheExtremeStartsWithinTheSchemasRange() {
    for (LocalDate start : new LocalDate[] {SimulationConfig.EARLIEST_START, SimulationConfig.LATEST_START}) {
      SimulationConfig config =
          SimulationConfig.defaults().withStart(start).withStudents(200).withCourses(3).withTermWeeks(52);
      SimulationRun run = new Simulation(config).run();
      Instant min = Instant.MAX;
      Instant max = Instant.MIN;
      for (SimEvent e = run.next(); e != null; e = run.next()) {
        min = e.occurredAt().isBefore(min) ? e.occurredAt() : min;
        max = e.occurredAt().isAfter(max) ? e.occurredAt() : max;
      }
      assertThat(min).as(start.toString()).isAfterOrEqualTo(Instant.parse("1970-01-01T00:00:00Z"));
      assertThat(max).as(start.toString()).isBefore(Instant.parse("2200-01-01T00:00:00Z"));
    }
  }
}
