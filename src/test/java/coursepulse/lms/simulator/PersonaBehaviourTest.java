package coursepulse.lms.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.SubmissionCreated;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Statistics of one full default term (2,000 students, 105 days) against the behaviour model, per
 * student and course: personas are drawn per student-course, disengagement declines around its
 * onset, engaged students have quiet weeks, courses have their own calendars.
 */
class PersonaBehaviourTest {
  private static final int STUDENTS = 2_000;
  private static final long DAY = 86_400;
  private static final int WEEKS = 15;

  /** What the test keeps per student and course: small, so the run is not held in memory. */
  static final class Pair {
    String student;
    String course;
    Persona persona;
    long disengagedAt = Long.MAX_VALUE;
    /** Idle for the first two weeks (a late starter): disengaged from the course start. */
    boolean lateStart;
    /** Days with course activity (page views, submissions) per term week. */
    final int[] weeklyActiveDays = new int[WEEKS + 1];
    final Set<Long> activeDays = new HashSet<>();
    int courseEvents;
    long lastActivity = Long.MIN_VALUE;
    long dropAt = Long.MIN_VALUE;
    final List<Long> submissionTimes = new ArrayList<>();
    final List<Long> submissionLeads = new ArrayList<>();
    final List<Double> scores = new ArrayList<>();
    int submissions;
    int late;
  }

  static final Map<String, Pair> pairs = new HashMap<>();
  static final Map<String, List<Pair>> byStudent = new HashMap<>();
  static final Map<String, List<Long>> logins = new HashMap<>();
  static final Map<String, Integer> assignmentsPerCourse = new HashMap<>();
  static final List<Instant> dueTimes = new ArrayList<>();
  static Simulation sim;
  static long termStart;

  @BeforeAll
  static void simulate() throws Exception {
    sim = new Simulation(SimulationConfig.defaults().withStudents(STUDENTS));
    termStart = sim.termStart().getEpochSecond();
    StringBuilder truth = new StringBuilder();
    sim.writeGroundTruth(truth);
    String[] lines = truth.toString().split("\n");
    assertThat(lines[0]).isEqualTo("studentId,courseId,persona,disengagedAt");
    for (int i = 1; i < lines.length; i++) {
      String[] f = lines[i].split(",", -1);
      Pair p = new Pair();
      p.student = f[0];
      p.course = f[1];
      p.persona = Persona.fromCode(f[2]);
      if (!f[3].isEmpty()) {
        p.disengagedAt = Instant.parse(f[3]).getEpochSecond();
      }
      pairs.put(f[0] + "/" + f[1], p);
      byStudent.computeIfAbsent(f[0], k -> new ArrayList<>()).add(p);
    }
    for (int i = 0; i < STUDENTS; i++) {
      StudentCursor s = StudentCursor.create(sim.term(), i, new Rng(0));
      for (int slot = 0; slot < s.courses.length; slot++) {
        pairs.get(SimEvent.studentId(i) + "/" + SimEvent.courseId(s.courses[slot])).lateStart =
            s.quietFrom[slot] != StudentCursor.NONE;
      }
    }
    Map<String, Long> dues = new HashMap<>();
    SimulationRun run = sim.run();
    for (SimEvent e = run.next(); e != null; e = run.next()) {
      String type = e.type();
      long t = e.epochSecond();
      if (type.equals(AssignmentCreated.TYPE)) {
        AssignmentCreated a = (AssignmentCreated) e.toLmsEvent();
        dues.put(a.assignmentId(), a.dueAt().getEpochSecond());
        assignmentsPerCourse.merge(a.courseId(), 1, Integer::sum);
        dueTimes.add(a.dueAt());
        continue;
      }
      if (type.equals("logged_in")) {
        logins.computeIfAbsent(e.studentId(), k -> new ArrayList<>()).add(t);
        continue;
      }
      if (type.equals("logged_out") || type.equals("enrollment_created")) {
        continue;
      }
      Pair p = pairs.get(e.studentId() + "/" + e.courseId());
      if (type.equals(EnrollmentDropped.TYPE)) {
        p.dropAt = t;
        continue;
      }
      p.courseEvents++;
      p.lastActivity = Math.max(p.lastActivity, t);
      long day = Math.floorDiv(t - termStart, DAY);
      if (p.activeDays.add(day) && day >= 0 && day / 7 <= WEEKS) {
        p.weeklyActiveDays[(int) (day / 7)]++;
      }
      if (type.equals(SubmissionCreated.TYPE)) {
        SubmissionCreated sub = (SubmissionCreated) e.toLmsEvent();
        long due = dues.get(sub.assignmentId());
        p.submissions++;
        p.late += sub.late() ? 1 : 0;
        assertThat(sub.late()).isEqualTo(t > due);
        p.submissionLeads.add(due - t);
        p.submissionTimes.add(t);
        p.scores.add(sub.score());
      }
    }
  }

  private static List<Pair> of(Persona p) {
    List<Pair> out = new ArrayList<>();
    for (Pair s : pairs.values()) {
      if (s.persona == p) {
        out.add(s);
      }
    }
    return out;
  }

  @Test
  void shouldDrawPersonasPerStudentCourseInTheOuladDerivedProportions() {
    assertThat(byStudent).hasSize(STUDENTS);
    PersonaMix mix = PersonaMix.oulad();
    Map<Persona, Integer> counts = new EnumMap<>(Persona.class);
    pairs.values().forEach(s -> counts.merge(s.persona, 1, Integer::sum));
    for (Persona p : Persona.values()) {
      assertThat(counts.getOrDefault(p, 0) / (double) pairs.size())
          .as("share of %s", p.code())
          .isCloseTo(mix.share(p), within(0.03));
    }
    long mixed =
        byStudent.values().stream()
            .filter(ps -> ps.stream().map(x -> x.persona).distinct().count() > 1)
            .count();
    assertThat(mixed).as("students with different personas in their courses").isGreaterThan(100);
  }

  @Test
  void shouldDeriveTheDefaultMixFromOuladResults() {
    PersonaMix mix = PersonaMix.oulad();
    assertThat(mix.share(Persona.GHOST)).isCloseTo(0.312 * 0.266, within(1e-9));
    assertThat(mix.share(Persona.DROPOUT)).isCloseTo(0.312 * 0.734, within(1e-9));
    assertThat(mix.share(Persona.FADING) + mix.share(Persona.RETURNING) + mix.share(Persona.LURKER))
        .isCloseTo(0.216, within(1e-9));
    assertThat(mix.share(Persona.ENGAGED) + mix.share(Persona.LATE_SUBMITTER) + mix.share(Persona.CRAMMER))
        .isCloseTo(0.379 + 0.093, within(1e-9));
  }

  @Test
  void shouldLetDisengagingStudentsDeclineBeforeTheOnsetAndFadeAfterItWithoutACliff() {
    double early = 0;
    double lastWeek = 0;
    double after = 0;
    int considered = 0;
    for (Persona persona : List.of(Persona.FADING, Persona.DROPOUT, Persona.LURKER)) {
      for (Pair p : of(persona)) {
        int w = (int) ((p.disengagedAt - termStart) / (7 * DAY));
        if (p.disengagedAt == Long.MAX_VALUE || w < 8 || w > 12) {
          continue;
        }
        considered++;
        early += (p.weeklyActiveDays[w - 8] + p.weeklyActiveDays[w - 7]) / 2.0;
        lastWeek += p.weeklyActiveDays[w - 1];
        after += (p.weeklyActiveDays[w + 1] + p.weeklyActiveDays[w + 2]) / 2.0;
      }
    }
    assertThat(considered).isGreaterThan(50);
    assertThat(lastWeek).as("the week before the onset is quieter than two months before").isLessThan(0.8 * early);
    assertThat(lastWeek).as("but not silent: a decline, not a cliff").isGreaterThan(0.15 * early);
    assertThat(after).as("after the onset little is left").isLessThan(0.5 * lastWeek);
  }

  @Test
  void shouldLetGhostsShowUpAtMostBriefly() {
    List<Pair> ghosts = of(Persona.GHOST);
    assertThat(ghosts).isNotEmpty();
    assertThat(ghosts).allSatisfy(g -> assertThat(g.courseEvents).isLessThanOrEqualTo(4));
    assertThat(ghosts).allSatisfy(g -> assertThat(g.disengagedAt).isLessThanOrEqualTo(termStart + 7 * DAY));
  }

  @Test
  void shouldGiveEngagedStudentsQuietWeeksWithoutEverDisengaging() {
    List<Pair> engaged = of(Persona.ENGAGED);
    assertThat(engaged).allSatisfy(s -> assertThat(s.disengagedAt).isEqualTo(Long.MAX_VALUE));
    long withQuietWeek =
        engaged.stream()
            .filter(p -> java.util.Arrays.stream(p.weeklyActiveDays, 2, 12).anyMatch(n -> n == 0))
            .count();
    // a week without any course activity happens, but to a minority of engaged students
    assertThat(withQuietWeek).isGreaterThan((long) (0.1 * engaged.size()));
    assertThat(withQuietWeek).isLessThan((long) (0.7 * engaged.size()));
  }

  @Test
  void shouldLetDropoutsLeaveOneCourseAndStayActiveInTheOthers() {
    List<Pair> dropouts = of(Persona.DROPOUT);
    assertThat(dropouts).isNotEmpty();
    for (Pair s : dropouts) {
      assertThat(s.dropAt).as("formal drop").isGreaterThan(s.disengagedAt);
      assertThat(s.dropAt - s.disengagedAt).isGreaterThanOrEqualTo(DAY);
      assertThat(s.lastActivity).as("nothing in the course after the drop").isLessThan(s.dropAt);
      if (!s.lateStart) {
        assertThat(s.submissionTimes).as("no submission after the onset").allMatch(t -> t < s.disengagedAt);
      }
    }
    long stayed = 0;
    for (Pair d : dropouts) {
      for (Pair other : byStudent.get(d.student)) {
        if (!other.persona.disengages() && other.lastActivity > d.dropAt) {
          stayed++;
          break;
        }
      }
    }
    assertThat(stayed).as("dropped one course, active in another afterwards").isGreaterThan(20);
    for (Persona p : List.of(Persona.ENGAGED, Persona.FADING, Persona.RETURNING, Persona.GHOST, Persona.LURKER)) {
      assertThat(of(p)).allSatisfy(s -> assertThat(s.dropAt).isEqualTo(Long.MIN_VALUE));
    }
  }

  /**
   * Some students who fail or withdraw do nothing in a course's first two weeks, and some never
   * start (OULAD 2013B: 15 and 20 % of them idle for those days, 2.8 % of those who pass): the
   * ground truth counts them disengaged from the course start.
   */
  @Test
  void shouldLetSomeAtRiskStudentsStartLateOrNever() {
    List<Pair> late = pairs.values().stream().filter(p -> p.lateStart).toList();
    List<Pair> atRisk =
        pairs.values().stream().filter(p -> p.persona.disengages() && p.persona != Persona.GHOST).toList();
    assertThat(late).allSatisfy(p -> assertThat(p.persona.disengages()).isTrue());
    assertThat((double) late.size() / atRisk.size()).isBetween(0.08, 0.2);
    for (Pair p : late) {
      assertThat(p.activeDays)
          .as("%s/%s: idle in the first two weeks from its disengagement", p.student, p.course)
          .noneMatch(d -> d * DAY + termStart >= p.disengagedAt && d * DAY + termStart < p.disengagedAt + 13 * DAY);
    }
    assertThat(late.stream().filter(p -> p.courseEvents == 0).count()).as("never started").isGreaterThan(late.size() / 4);
    assertThat(late.stream().filter(p -> p.courseEvents > 0).count()).as("started late").isGreaterThan(late.size() / 4);
  }

  @Test
  void shouldLetReturningStudentsPauseAndComeBack() {
    List<Pair> returning = of(Persona.RETURNING);
    assertThat(returning).isNotEmpty();
    int resumed = 0;
    int considered = 0;
    for (Pair s : returning) {
      long gapStart = s.disengagedAt;
      assertThat(s.activeDays).noneMatch(d -> d * DAY + termStart >= gapStart && (d + 1) * DAY + termStart <= gapStart + 10 * DAY);
      if (gapStart + 35 * DAY < termStart + 90 * DAY) {
        considered++;
        resumed += s.lastActivity >= gapStart + 21 * DAY ? 1 : 0;
      }
    }
    assertThat(resumed).isGreaterThanOrEqualTo((int) (0.9 * considered));
  }

  @Test
  void shouldLetLurkersKeepLoggingInWithoutSubmitting() {
    int considered = 0;
    int stillLoggingIn = 0;
    for (Pair p : of(Persona.LURKER)) {
      if (byStudent.get(p.student).size() != 1 || p.disengagedAt > termStart + 70 * DAY || p.lateStart) {
        continue;
      }
      considered++;
      assertThat(p.submissionTimes).allMatch(t -> t < p.disengagedAt);
      long later =
          logins.getOrDefault(p.student, List.of()).stream()
              .filter(t -> t > p.disengagedAt + 7 * DAY)
              .count();
      stillLoggingIn += later >= 3 ? 1 : 0;
    }
    assertThat(considered).isGreaterThan(10);
    assertThat(stillLoggingIn).isGreaterThan((int) (0.8 * considered));
  }

  @Test
  void shouldBunchCrammersBeforeDeadlinesAndLetLateSubmittersBeLate() {
    assertThat(medianLeadHours(Persona.CRAMMER)).isLessThan(8);
    assertThat(medianLeadHours(Persona.ENGAGED)).isGreaterThan(24);
    assertThat(lateShare(Persona.LATE_SUBMITTER)).isBetween(0.4, 0.7);
    // OULAD: 14.5 % of the TMAs of students who pass arrive after the due day
    assertThat(lateShare(Persona.ENGAGED)).isBetween(0.02, 0.12);
  }

  @Test
  void shouldGradeSubmissionsLikeOuladStudentsOfTheSameOutcome() {
    assertThat(medianScore(Persona.ENGAGED, Persona.LATE_SUBMITTER, Persona.CRAMMER)).isCloseTo(81, within(3.0));
    assertThat(medianScore(Persona.FADING, Persona.RETURNING, Persona.LURKER)).isCloseTo(68, within(3.0));
    assertThat(medianScore(Persona.DROPOUT)).isCloseTo(69, within(3.0));
  }

  @Test
  void shouldGiveCoursesTheirOwnCadenceAndLocalDueTimes() {
    assertThat(new HashSet<>(assignmentsPerCourse.values())).hasSizeGreaterThanOrEqualTo(4);
    assertThat(assignmentsPerCourse.values()).contains(3, 4);
    Set<Integer> utcHours = new HashSet<>();
    for (Instant due : dueTimes) {
      int minute = due.atOffset(ZoneOffset.UTC).getMinute();
      assertThat(minute).as("23:59 local, whole-hour zones").isEqualTo(59);
      utcHours.add(due.atOffset(ZoneOffset.UTC).getHour());
    }
    assertThat(utcHours).as("due times from several time zones").hasSizeGreaterThanOrEqualTo(3);
  }

  @Test
  void shouldQuietTheWholeClassInItsReadingWeek() {
    Term term = sim.term();
    int checked = 0;
    for (Course c : term.courses) {
      if (c.readingWeek == Long.MIN_VALUE) {
        continue;
      }
      int week = (int) Math.floorDiv(c.readingWeek + 12 * 3600, 7 * DAY);
      String id = SimEvent.courseId(c.index);
      double during = 0;
      double around = 0;
      for (Pair p : pairs.values()) {
        if (p.course.equals(id) && !p.persona.disengages()) {
          for (long d : p.activeDays) {
            long rel = d * DAY - c.readingWeek;
            during += rel >= 0 && rel < 7 * DAY ? 1 : 0;
            around += (rel >= -14 * DAY && rel < -7 * DAY) || (rel >= 7 * DAY && rel < 14 * DAY) ? 0.5 : 0;
          }
        }
      }
      if (around > 50) {
        checked++;
        assertThat(during).as("reading week of %s (week %d)", id, week).isLessThan(0.6 * around);
      }
    }
    assertThat(checked).isGreaterThan(0);
  }

  private static double medianScore(Persona... ps) {
    List<Double> all = new ArrayList<>();
    for (Persona p : ps) {
      of(p).forEach(s -> all.addAll(s.scores));
    }
    all.sort(null);
    return all.get(all.size() / 2);
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
