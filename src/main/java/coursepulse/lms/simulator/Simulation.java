package coursepulse.lms.simulator;

import coursepulse.lms.outcome.FinalResult;
import coursepulse.lms.outcome.Outcome;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated semester, defined entirely by its {@link SimulationConfig}. {@link #run()} streams
 * its events in event-time order; {@link #writeGroundTruth} writes what really happened to each
 * student in each course. Neither holds the semester in memory.
 *
 * <pre>{@code
 * Simulation sim = new Simulation(SimulationConfig.defaults().withStudents(500));
 * SimulationRun run = sim.run();
 * for (SimEvent e = run.next(); e != null; e = run.next()) {
 *   System.out.println(e.stream() + " " + new String(e.toJson(), UTF_8));
 * }
 * }</pre>
 */
public final class Simulation {

  /** First line of the ground-truth CSV. */
  public static final String GROUND_TRUTH_HEADER = "studentId,courseId,persona,disengagedAt";

  private final SimulationConfig config;
  private final Term term;

  public Simulation(SimulationConfig config) {
    this.config = config;
    this.term = new Term(config);
  }

  Term term() {
    return term;
  }

  public SimulationConfig config() {
    return config;
  }

  /** The term start (00:00 UTC of {@code --start}). */
  public Instant termStart() {
    return Instant.ofEpochSecond(term.startSecond);
  }

  /** The end of the term: start plus the term weeks. */
  public Instant termEnd() {
    return Instant.ofEpochSecond(term.startSecond + term.termSeconds);
  }

  /** No event is at or after this time: the start plus {@code days}. */
  public Instant horizon() {
    return Instant.ofEpochSecond(term.startSecond + term.horizon);
  }

  /** No event is before this time: the earliest possible registration. */
  public Instant origin() {
    return Instant.ofEpochSecond(term.startSecond + Term.planDayStart(term.firstPlanDay));
  }

  /** A fresh pass over the events, from the first. */
  public SimulationRun run() {
    return new SimulationRun(term);
  }

  /**
   * Writes the ground truth as CSV: the header, then one line per student and course in student
   * order: {@code studentId,courseId,persona,disengagedAt}. {@code disengagedAt} is the
   * ISO-8601 UTC onset of disengagement, or empty when the student never disengaged before the
   * horizon.
   */
  public void writeGroundTruth(Appendable out) throws IOException {
    out.append(GROUND_TRUTH_HEADER).append('\n');
    Rng rng = new Rng(0);
    StringBuilder line = new StringBuilder(64);
    for (int i = 0; i < config.students(); i++) {
      StudentCursor s = StudentCursor.create(term, i, rng);
      for (int slot = 0; slot < s.courses.length; slot++) {
        line.setLength(0);
        line.append(SimEvent.studentId(i)).append(',');
        line.append(SimEvent.courseId(s.courses[slot])).append(',');
        line.append(s.personas[slot].code()).append(',');
        int at = s.disengagedAt(slot);
        if (at != StudentCursor.NONE && at < term.horizon) {
          line.append(Instant.ofEpochSecond(term.startSecond + at));
        }
        out.append(line).append('\n');
      }
    }
  }

  /**
   * What became of each student in each course, in the ground truth's order, for {@code evaluate
   * --outcomes}: a student-course that disengaged and formally dropped within the simulated days
   * is {@code Withdrawn} at the drop; one that disengaged without dropping is {@code Fail}; one
   * that never disengaged is {@code Pass}. Follows behaviour, like the ground truth.
   */
  public List<Outcome> outcomes() {
    List<Outcome> out = new ArrayList<>();
    Rng rng = new Rng(0);
    for (int i = 0; i < config.students(); i++) {
      StudentCursor s = StudentCursor.create(term, i, rng);
      for (int slot = 0; slot < s.courses.length; slot++) {
        int at = s.disengagedAt(slot);
        int drop = s.droppedAt[slot];
        FinalResult result;
        Instant withdrawnAt = null;
        if (at == StudentCursor.NONE || at >= term.horizon) {
          result = FinalResult.PASS;
        } else if (drop != StudentCursor.NONE && drop < term.horizon) {
          result = FinalResult.WITHDRAWN;
          withdrawnAt = Instant.ofEpochSecond(term.startSecond + drop);
        } else {
          result = FinalResult.FAIL;
        }
        out.add(
            new Outcome(SimEvent.studentId(i), SimEvent.courseId(s.courses[slot]), result, withdrawnAt));
      }
    }
    return out;
  }
}
