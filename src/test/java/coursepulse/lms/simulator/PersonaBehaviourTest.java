package coursepulse.lms.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.SubmissionCreated;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Statistics of one full default term (2,000 students, 105 days) against the persona model. */
class PersonaBehaviourTest {
  private static final int STUDENTS = 2_000;
  private static final long DAY = 86_400;

  /** What the test keeps per student: small, so the run is not held in memory. */
  static final class Student {
    Persona persona;
    long disengagedAt = Long.MAX_VALUE;
    final int[] weeklyLogins = new int[15];
    int nonEnrolmentEvents;
    long lastActivity = Long.MIN_VALUE;
    long dropAt = Long.MIN_VALUE;
    final List<Long> loginTimes = new ArrayList<>();
    final List<Long> submissionLeads = new ArrayList<>();
    int submissions;
    int late;
  }

  static final Map<String, Student> students = new HashMap<>();
  static long termStart;

  @BeforeAll
  static void simulate() throws Exception {
    Simulation sim = new Simulation(SimulationConfig.defaults().withStudents(STUDENTS));
    termStart = sim.termStart().getEpochSecond();
    StringBuilder truth = new StringBuilder();
    sim.writeGroundTruth(truth);
    String[] lines = truth.toString().split("\n");
    assertThat(lines[0]).isEqualTo("studentId,courseId,persona,disengagedAt");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",", -1);
      Student s = students.computeIfAbsent(f[0], k -> new Student());
      s.persona = Persona.fromCode(f[2]);
      if (!f[3].isEmpty()) {
        s.disengagedAt = Math.min(s.disengagedAt, Instant.parse(f[3]).getEpochSecond());
      }
    }
    Map<String, Long> dues = new HashMap<>();
    SimulationRun run = sim.run();
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      String type = e.type();
      if (type.equals(AssignmentCreated.TYPE)) {
        AssignmentCreated a = (AssignmentCreated) e.toLmsEvent();
        dues.put(a.assignmentId(), a.dueAt().getEpochSecond());
        continue;
      }
      Student s = students.get(e.studentId());
      long t = e.epochSecond();
      if (type.equals(EnrollmentDropped.TYPE)) {
        s.dropAt = Math.max(s.dropAt, t);
      } else if (!type.equals("enrollment_created")) {
        s.nonEnrolmentEvents++;
        s.lastActivity = Math.max(s.lastActivity, t);
      }
      if (type.equals("logged_in")) {
        int week = (int) ((t - termStart) / (7 * DAY));
        if (week >= 0 && week < 15) {
          s.weeklyLogins[week]++;
        }
        s.loginTimes.add(t);
      }
      if (type.equals(SubmissionCreated.TYPE)) {
        SubmissionCreated sub = (SubmissionCreated) e.toLmsEvent();
        long due = dues.get(sub.assignmentId());
        s.submissions++;
        s.late += sub.late() ? 1 : 0;
        assertThat(sub.late()).isEqualTo(t > due);
        s.submissionLeads.add(due - t);
      }
    }
  }

  private static List<Student> of(Persona p) {
    List<Student> out = new ArrayList<>();
    for (Student s : students.values()) {
      if (s.persona == p) {
        out.add(s);
      }
    }
    return out;
  }

  @Test
  void shouldDrawPersonasInTheOuladDerivedProportions() {
    assertThat(students).hasSize(STUDENTS);
    PersonaMix mix = PersonaMix.oulad();
    Map<Persona, Integer> counts = new EnumMap<>(Persona.class);
    students.values().forEach(s -> counts.merge(s.persona, 1, Integer::sum));
    for (Persona p : Persona.values()) {
      assertThat(counts.getOrDefault(p, 0) / (double) STUDENTS)
          .as("share of %s", p.code())
          .isCloseTo(mix.share(p), within(0.03));
    }
  }

  @Test
  void shouldDeriveTheDefaultMixFromOuladResults() {
    PersonaMix mix = PersonaMix.oulad();
    assertThat(mix.share(Persona.GHOST)).isCloseTo(0.312 * 0.266, within(1e-9));
    assertThat(mix.share(Persona.DROPOUT)).isCloseTo(0.312 * 0.734, within(1e-9));
    assertThat(mix.share(Persona.FADING) + mix.share(Persona.RETURNING)).isCloseTo(0.216, within(1e-9));
    assertThat(mix.share(Persona.ENGAGED) + mix.share(Persona.LATE_SUBMITTER) + mix.share(Persona.CRAMMER))
        .isCloseTo(0.379 + 0.093, within(1e-9));
  }

  @Test
  void shouldLetFadingStudentsLogInLessAndLessAfterTheOnset() {
    int falling = 0;
    int considered = 0;
    double before = 0;
    double after = 0;
    for (Student s : of(Persona.FADING)) {
      int onsetWeek = (int) ((s.disengagedAt - termStart) / (7 * DAY));
      if (onsetWeek < 2 || onsetWeek > 11) {
        continue;
      }
      considered++;
      double b = (s.weeklyLogins[onsetWeek - 1] + s.weeklyLogins[onsetWeek - 2]) / 2.0;
      double a = (s.weeklyLogins[onsetWeek + 2] + s.weeklyLogins[onsetWeek + 3]) / 2.0;
      before += b;
      after += a;
      falling += a < b ? 1 : 0;
    }
    assertThat(considered).isGreaterThan(100);
    assertThat(after / considered).isLessThan(0.25 * before / considered);
    assertThat(falling).isGreaterThan((int) (0.85 * considered));
  }

  @Test
  void shouldLetGhostsShowUpAtMostBriefly() {
    List<Student> ghosts = of(Persona.GHOST);
    assertThat(ghosts).isNotEmpty();
    assertThat(ghosts).allSatisfy(g -> assertThat(g.nonEnrolmentEvents).isLessThanOrEqualTo(5));
    assertThat(ghosts).allSatisfy(g -> assertThat(g.disengagedAt).isLessThanOrEqualTo(termStart + 7 * DAY));
  }

  @Test
  void shouldLetEngagedStudentsLogInMostWeeks() {
    List<Student> engaged = of(Persona.ENGAGED);
    long regular =
        engaged.stream()
            .filter(s -> java.util.Arrays.stream(s.weeklyLogins).filter(n -> n > 0).count() >= 14)
            .count();
    assertThat(regular).isGreaterThanOrEqualTo((long) (0.95 * engaged.size()));
    assertThat(engaged).allSatisfy(s -> assertThat(s.disengagedAt).isEqualTo(Long.MAX_VALUE));
  }

  @Test
  void shouldLetDropoutsStopBeforeTheyFormallyDrop() {
    List<Student> dropouts = of(Persona.DROPOUT);
    assertThat(dropouts).isNotEmpty();
    for (Student s : dropouts) {
      assertThat(s.dropAt).as("formal drop").isGreaterThan(s.disengagedAt);
      assertThat(s.dropAt - s.disengagedAt).isGreaterThanOrEqualTo(DAY);
      if (s.lastActivity != Long.MIN_VALUE) {
        assertThat(s.lastActivity).as("no activity after disengagement").isLessThan(s.disengagedAt);
      }
    }
    for (Persona p : List.of(Persona.ENGAGED, Persona.FADING, Persona.RETURNING, Persona.GHOST)) {
      assertThat(of(p)).allSatisfy(s -> assertThat(s.dropAt).isEqualTo(Long.MIN_VALUE));
    }
  }

  @Test
  void shouldLetReturningStudentsPauseAndComeBack() {
    List<Student> returning = of(Persona.RETURNING);
    assertThat(returning).isNotEmpty();
    int resumed = 0;
    for (Student s : returning) {
      long gapStart = s.disengagedAt;
      assertThat(s.loginTimes).noneMatch(t -> t >= gapStart && t < gapStart + 10 * DAY);
      resumed += s.loginTimes.stream().anyMatch(t -> t >= gapStart + 21 * DAY) ? 1 : 0;
    }
    assertThat(resumed).isGreaterThanOrEqualTo((int) (0.95 * returning.size()));
  }

  @Test
  void shouldBunchCrammersBeforeDeadlinesAndLetLateSubmittersBeLate() {
    assertThat(medianLeadHours(Persona.CRAMMER)).isLessThan(8);
    assertThat(medianLeadHours(Persona.ENGAGED)).isGreaterThan(24);
    assertThat(lateShare(Persona.LATE_SUBMITTER)).isBetween(0.4, 0.7);
    assertThat(lateShare(Persona.ENGAGED)).isLessThan(0.02);
  }

  private static double medianLeadHours(Persona p) {
    List<Long> leads = new ArrayList<>();
    of(p).forEach(s -> leads.addAll(s.submissionLeads));
    leads.sort(null);
    return leads.get(leads.size() / 2) / 3600.0;
  }

  private static double lateShare(Persona p) {
    long late = of(p).stream().mapToLong(s -> s.late).sum();
    long all = of(p).stream().mapToLong(s -> s.submissions).sum();
    return late / (double) all;
  }
}
