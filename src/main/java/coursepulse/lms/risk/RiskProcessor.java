package coursepulse.lms.risk;

import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.PunctuationType;
import coursepulse.engine.RecordMetadata;
import coursepulse.engine.StreamRecord;
import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.LoggedOut;
import coursepulse.lms.event.SubmissionCreated;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alerting logic: keeps the roster and per-student / per-student-course state in key-value
 * stores, evaluates the rules on events and on stream-time timers, and forwards {@link Alert}s to
 * the alerts child and {@link DeadLetter}s to the dead-letter child.
 *
 * <p>Timers live in a due-time index store (see {@link TimerKeys}); a stream-time punctuation (by
 * default hourly) drains only the entries due by then ({@link RosterTimers}, which also does what
 * each timer means), so its cost follows the number of due timers, never the number of students. Everything is decided on event time, and every iteration
 * follows store key order, so the same input gives the same output bytes.
 *
 * <p>It needs every input in one task: enrolments, logins and activity of a student, and the
 * assignments of a course (keyed by course), meet in the same stores.
 */
final class RiskProcessor implements Processor<String, LmsEvent, String, RiskOutput> {
  /** Named children: each receives one record type. */
  static final String ALERTS_CHILD = "risk-alerts";
  static final String REFUSED_CHILD = "risk-refused";
  static final String SCORES_CHILD = "risk-scores";

  static final String STUDENTS = "risk-students";
  /** Enrolments keyed course first ({@link Roster#key}); before, {@link FormerRosterLayout}. */
  static final String ENROLLMENTS = "risk-course-enrollments";
  static final String COURSES = "risk-courses";
  /** The timer queue ({@link Timers}). */
  static final String TIMERS = "risk-timer-queue";
  /** Timers as string keys, as checkpointed before the timer queue; moved into it on restore. */
  static final String FORMER_TIMERS = "risk-timers";
  static final String META = "risk-meta";
  /** Recent event ids of courses, and of students as checkpointed before state format 3. */
  static final String EVENT_IDS = "risk-recent-event-ids";

  private static final Logger LOG = LoggerFactory.getLogger(RiskProcessor.class);
  private static final String META_STUDENTS = "students.tracked";
  static final int MAX_TRACKED_ASSIGNMENTS = 64;

  private final RulesConfig rules;
  private final RiskMetrics metrics;
  private RiskMetrics.Share share;
  private final coursepulse.lms.risk.model.RiskModel model;
  private final java.util.function.Consumer<Alert> alertListener;
  private final Alert.Origin origin;
  private final boolean alertsOut;
  private final boolean refusedOut;
  private final boolean scoresOut;
  private final Duration punctuationInterval;
  private final long graceMs;
  private final int weeksKept;

  private ProcessorContext<String, RiskOutput> context;
  private Roster roster;
  private AlertBook book;
  private RosterAlerts rosterAlerts;
  private RosterContext rosterCtx;
  private CourseSignals signals;
  private RosterTimers rosterTimers;
  private KeyValueStore<String, StudentState> students;
  private KeyValueStore<String, EnrollmentState> enrollments;
  private FormerRosterLayout formerRoster;
  private KeyValueStore<String, CourseAssignments> courses;
  private Timers timers;
  private KeyValueStore<String, Long> meta;
  private KeyValueStore<String, RecentEventIds> eventIds;
  private StudentEventIds studentIds;

  /**
   * @param alertListener called with every alert as it is emitted
   * @param origin stamped on every alert before it is emitted; {@code null} stamps nothing
   * @param alertsOut whether child {@link #ALERTS_CHILD} exists; likewise {@code refusedOut} for
   *     {@link #REFUSED_CHILD} and {@code scoresOut} for {@link #SCORES_CHILD}
   */
  RiskProcessor(
      RulesConfig rules,
      coursepulse.lms.risk.model.RiskModel model,
      RiskMetrics metrics,
      java.util.function.Consumer<Alert> alertListener,
      Alert.Origin origin,
      boolean alertsOut,
      boolean refusedOut,
      boolean scoresOut,
      Duration punctuationInterval) {
    this.rules = rules;
    this.model = model;
    this.metrics = metrics;
    this.alertListener = alertListener;
    this.origin = origin;
    this.alertsOut = alertsOut;
    this.refusedOut = refusedOut;
    this.scoresOut = scoresOut;
    this.punctuationInterval = punctuationInterval;
    this.graceMs = rules.graceMs();
    this.weeksKept = weeksKept(rules);
  }

  /** Baseline weeks, the evaluated week, and one more for events past the boundary. */
  static int weeksKept(RulesConfig rules) {
    return rules.activityDrop().baselineWeeks() + 1;
  }

  @Override
  public void init(ProcessorContext<String, RiskOutput> context) {
    this.context = context;
    this.share = metrics.join();
    this.students = context.getStateStore(STUDENTS);
    this.enrollments = context.getStateStore(ENROLLMENTS);
    this.formerRoster =
        new FormerRosterLayout(
            context.getStateStore(FormerRosterLayout.ENROLLMENTS),
            context.getStateStore(FormerRosterLayout.MEMBERS),
            context.getStateStore(FormerRosterLayout.SIGNALS));
    this.courses = context.getStateStore(COURSES);
    this.timers = new Timers(context.getStateStore(TIMERS), context.getStateStore(FORMER_TIMERS));
    this.meta = context.getStateStore(META);
    this.eventIds = context.getStateStore(EVENT_IDS);
    this.studentIds = new StudentEventIds(students, eventIds);
    this.roster = new Roster(enrollments, courses);
    this.book = new AlertBook(rules, metrics, share, meta, students, roster, this::emitAlert);
    this.rosterAlerts = new RosterAlerts(book);
    this.rosterCtx = new RosterContext(rules, rosterAlerts, roster, timers);
    this.signals =
        new CourseSignals(
            rules, model, metrics, roster,
            context.getStateStore(CourseSignals.COHORTS),
            context.getStateStore(CourseSignals.CLASS_DAYS),
            context.getStateStore(CourseSignals.GRADES),
            context.getStateStore(AssignmentWeights.STORE),
            book, scoresOut ? this::emitScore : null);
    this.rosterTimers =
        new RosterTimers(
            students, enrollments, timers, roster, rosterCtx, rosterAlerts, signals,
            graceMs,
            (student, st) -> {
              studentIds.removed(student, st);
              setStudentsTracked(count(META_STUDENTS) - 1);
            });
    context.schedule(
        punctuationInterval,
        PunctuationType.STREAM_TIME,
        now -> {
          moveFormerLayouts();
          rosterTimers.fireDueTimers(now);
        });
    loadCounters();
    moveFormerLayouts();
    int looked = TimedRules.startTurnedOn(rosterCtx, meta, students, context.currentStreamTimeMs());
    if (looked > 0) {
      LOG.info(
          "rules turned on since the state was kept: started their timers for {} students",
          looked);
    }
  }

  /**
   * Moves a roster and timers restored in their former layouts into the current ones. Checked
   * before every record and tick, not only here after a restore: it costs four size reads, and
   * state put into the stores from outside between two records (a test's) moves as well.
   */
  private void moveFormerLayouts() {
    if (formerRoster.holdsState()) {
      int moved = formerRoster.moveInto(enrollments);
      LOG.info("moved {} enrolments stored in the former layout to {}", moved, ENROLLMENTS);
    }
    int movedTimers = timers.moveFormer();
    if (movedTimers > 0) {
      LOG.info("moved {} timers stored as keys in {} to {}", movedTimers, FORMER_TIMERS, TIMERS);
    }
  }

  // ---------------------------------------------------------------- events

  @Override
  public void process(StreamRecord<String, LmsEvent> record) {
    LmsEvent event = record.value();
    if (event == null) {
      return;
    }
    moveFormerLayouts();
    boolean byCourse = event instanceof AssignmentCreated;
    if (byCourse
        ? RecentEventIds.seenBefore(eventIds, event.key(), event.eventId())
        : studentIds.seenBefore(event.key(), event.eventId())) {
      deadLetter(
          event, DeadLetter.DUPLICATE_EVENT, byCourse ? null : event.key(),
          byCourse ? event.key() : null);
      return;
    }
    metrics.processed(event.stream());
    long t = event.occurredAt().toEpochMilli();
    if (event instanceof LoggedIn e) {
      if (valid(e, e.studentId(), null)) {
        onLogin(e, e.studentId(), t);
      }
    } else if (event instanceof SubmissionCreated e) {
      if (valid(e, e.studentId(), e.courseId())) {
        onSubmission(e, t);
      }
    } else if (event instanceof AssetAccessed e) {
      if (valid(e, e.studentId(), e.courseId())) {
        onAsset(e, t);
      }
    } else if (event instanceof AssignmentCreated e) {
      if (valid(e, null, e.courseId())) {
        onAssignment(e);
      }
    } else if (event instanceof EnrollmentCreated e) {
      if (valid(e, e.studentId(), e.courseId())) {
        onEnrollment(e, t);
      }
    } else if (event instanceof EnrollmentDropped e) {
      if (valid(e, e.studentId(), e.courseId())) {
        onDropped(e, t);
      }
    } else if (event instanceof LoggedOut e) {
      if (valid(e, e.studentId(), null)) {
        onLogout(e);
      }
    }
  }

  private boolean valid(LmsEvent e, String studentId, String courseId) {
    if ((studentId != null && !TimerKeys.validId(studentId))
        || (courseId != null && !TimerKeys.validId(courseId))) {
      deadLetter(e, DeadLetter.INVALID_ID, studentId, courseId);
      return false;
    }
    return true;
  }

  private void onEnrollment(EnrollmentCreated e, long t) {
    if (e.role() != null && !e.role().toLowerCase(Locale.ROOT).contains("student")) {
      // Teachers and observers are not tracked; their later events are dead-lettered.
      return;
    }
    long activeFrom = Math.max(t, e.courseStart().toEpochMilli());
    long courseEnd = e.courseEnd().toEpochMilli();
    if (courseEnd <= activeFrom) {
      deadLetter(e, DeadLetter.INVALID_COURSE_DATES, e.studentId(), e.courseId());
      return;
    }
    String student = e.studentId();
    String course = e.courseId();
    String key = Roster.key(student, course);
    StudentState st = students.get(student);
    if (st == null) {
      st = new StudentState(weeksKept);
      studentIds.started(student, st, e.eventId());
      setStudentsTracked(count(META_STUDENTS) + 1);
    }
    EnrollmentState en = enrollments.get(key);
    boolean activated;
    if (en == null) {
      en = new EnrollmentState(weeksKept);
      en.activeFrom = activeFrom;
      en.courseEnd = courseEnd;
      st.addCourse(course);
      activated = true;
    } else if (en.dropped()) {
      en.droppedAt = EnrollmentState.NONE;
      en.activeFrom = activeFrom;
      en.courseEnd = courseEnd;
      activated = true;
    } else {
      // A repeated enrolment only moves the course end.
      activated = false;
      en.courseEnd = courseEnd;
    }
    if (activated) {
      st.activeEnrollments++;
      for (RiskRule r : RiskRule.ALL) {
        r.onEnrollmentActivated(rosterCtx, student, course, st, en);
      }
      // Chains of weekly timers that meet on the same week collapse into one key, so starting one
      // per activation never evaluates a week twice, and a later course extends the chain.
      timers.schedule(Weeks.weekEnd(Weeks.weekIndex(en.activeFrom)), TimerKeys.WEEK, course, null);
    }
    timers.schedule(en.courseEnd, TimerKeys.COURSE_END, course, null);
    enrollments.put(key, en);
    RosterTimers.enrollmentsChanged(
        rosterCtx, student, st,
        context.currentStreamTimeMs() < 0 ? t : Math.max(t, context.currentStreamTimeMs()));
    students.put(student, st);
    timers.schedule(
        signals.enrolled(course, e.courseStart().toEpochMilli(), courseEnd, t),
        TimerKeys.COURSE_DAY, course, null);
  }

  private void onDropped(EnrollmentDropped e, long t) {
    String student = e.studentId();
    String course = e.courseId();
    String key = Roster.key(student, course);
    EnrollmentState en = enrollments.get(key);
    StudentState st = students.get(student);
    if (en == null || st == null) {
      deadLetter(e, DeadLetter.NOT_ENROLLED, student, course);
      return;
    }
    if (en.dropped()) {
      return;
    }
    signals.ended(student, course, key, en, t, "dropped");
    st = students.get(student); // the signals' alerts changed the open count
    en.droppedAt = t;
    st.activeEnrollments--;
    rosterAlerts.resolveAll(student, course, st, en, t, "dropped");
    if (st.activeEnrollments == 0) {
      rosterAlerts.resolveAll(student, null, st, null, t, "dropped");
    }
    enrollments.put(key, en);
    RosterTimers.enrollmentsChanged(rosterCtx, student, st, t);
    students.put(student, st);
  }

  private void onLogin(LoggedIn e, String student, long t) {
    StudentState st = students.get(student);
    if (st == null) {
      deadLetter(e, DeadLetter.NOT_ENROLLED, student, null);
      return;
    }
    if (st.activeEnrollments == 0) {
      deadLetter(e, DeadLetter.NO_ACTIVE_ENROLLMENT, student, null);
      return;
    }
    long before = st.lastLoginMs;
    st.recordLogin(t);
    for (RiskRule r : RiskRule.ALL) {
      r.onLogin(rosterCtx, student, st, t, before);
    }
    students.put(student, st);
  }

  private void onLogout(LoggedOut e) {
    StudentState st = students.get(e.studentId());
    if (st == null) {
      deadLetter(e, DeadLetter.NOT_ENROLLED, e.studentId(), null);
    } else if (st.activeEnrollments == 0) {
      deadLetter(e, DeadLetter.NO_ACTIVE_ENROLLMENT, e.studentId(), null);
    }
  }

  private void onSubmission(SubmissionCreated e, long t) {
    String student = e.studentId();
    String course = e.courseId();
    String key = Roster.key(student, course);
    EnrollmentState en = usableEnrollment(e, student, course, key);
    if (en == null) {
      return;
    }
    StudentState st = students.get(student);
    recordActivity(en, t);
    CourseAssignments ca = roster.assignments(course);
    int index = ca.indexOf(e.assignmentId());
    if (index >= 0 && index < MAX_TRACKED_ASSIGNMENTS) {
      long due = ca.due(index);
      if (t <= due) {
        en.submittedByDue |= 1L << index;
      }
      if (t <= due + graceMs) {
        en.submittedByGrace |= 1L << index;
      }
    }
    for (RiskRule r : RiskRule.ALL) {
      r.onSubmission(rosterCtx, student, course, st, en, e.assignmentId(), t);
    }
    for (RiskRule r : RiskRule.ALL) {
      r.onCourseWork(rosterCtx, student, course, st, en, t);
    }
    enrollments.put(key, en);
    students.put(student, st);
    signals.worked(student, course, key, en, t, 1, index);
    if (e.score() != null && index >= 0) {
      signals.graded(student, course, key, en, e.assignmentId(), index, e.score(), t);
    }
  }

  private void onAsset(AssetAccessed e, long t) {
    String key = Roster.key(e.studentId(), e.courseId());
    EnrollmentState en = usableEnrollment(e, e.studentId(), e.courseId(), key);
    if (en == null) {
      return;
    }
    recordActivity(en, t);
    StudentState st = students.get(e.studentId());
    boolean changed = false;
    for (RiskRule r : RiskRule.ALL) {
      changed |= r.onCourseWork(rosterCtx, e.studentId(), e.courseId(), st, en, t);
    }
    if (changed) {
      students.put(e.studentId(), st);
    }
    enrollments.put(key, en);
    signals.worked(e.studentId(), e.courseId(), key, en, t, e.clickCount(), -1);
  }

  /**
   * Counts active days, not events: activity comes in sessions of many clicks, so event counts
   * swing with session length, while the number of days a student shows up is a steadier signal.
   */
  private static void recordActivity(EnrollmentState en, long t) {
    if (en.lastActivityMs == EnrollmentState.NONE
        || Weeks.dayIndex(t) > Weeks.dayIndex(en.lastActivityMs)) {
      en.activity.increment(t);
    }
    en.lastActivityMs = Math.max(en.lastActivityMs, t);
  }

  private EnrollmentState usableEnrollment(LmsEvent e, String student, String course, String key) {
    EnrollmentState en = enrollments.get(key);
    if (en == null) {
      deadLetter(e, DeadLetter.NOT_ENROLLED, student, course);
      return null;
    }
    if (en.dropped()) {
      deadLetter(e, DeadLetter.ENROLLMENT_DROPPED, student, course);
      return null;
    }
    return en;
  }

  private void onAssignment(AssignmentCreated e) {
    CourseAssignments ca = roster.assignments(e.courseId());
    if (ca.indexOf(e.assignmentId()) >= 0) {
      return; // a repeated announcement changes nothing already scheduled
    }
    int index = ca.size();
    if (index == MAX_TRACKED_ASSIGNMENTS) {
      LOG.warn(
          "Course {} has more than {} assignments; later ones are not checked for deadlines",
          e.courseId(),
          MAX_TRACKED_ASSIGNMENTS);
    }
    long due = e.dueAt().toEpochMilli();
    courses.put(e.courseId(), ca.with(e.assignmentId(), due));
    timers.schedule(due + graceMs, TimerKeys.DEADLINE, e.courseId(), index4(index));
    signals.assignment(e.courseId(), index, e.pointsPossible(), e.weight());
  }

  // ---------------------------------------------------------------- helpers

  private void deadLetter(LmsEvent e, String reason, String student, String course) {
    Optional<RecordMetadata> origin = context.recordMetadata();
    String stream = origin.map(RecordMetadata::stream).orElse(e.stream());
    metrics.deadLettered(stream, reason);
    if (!refusedOut) {
      return;
    }
    DeadLetter dl =
        new DeadLetter(
            reason,
            stream,
            origin.map(RecordMetadata::offset).orElse(-1L),
            e.type(),
            e.eventId(),
            student,
            course,
            e.occurredAt());
    context.forward(new StreamRecord<>(e.key(), dl, e.occurredAt().toEpochMilli()), REFUSED_CHILD);
  }

  private void emitAlert(Alert decided) {
    Alert alert = origin == null ? decided : decided.withOrigin(origin);
    alertListener.accept(alert);
    if (alertsOut) {
      context.forward(
          new StreamRecord<>(alert.studentId(), alert, alert.eventTime().toEpochMilli()), ALERTS_CHILD);
    }
  }

  private void emitScore(RiskScore score) {
    context.forward(
        new StreamRecord<>(score.studentId(), score, score.at().toEpochMilli()), SCORES_CHILD);
  }

  private static String index4(int index) {
    String s = Integer.toString(index);
    return "0000".substring(Math.min(4, s.length())) + s;
  }

  private long count(String key) {
    Long v = meta.get(key);
    return v == null ? 0 : v;
  }

  private void setStudentsTracked(long n) {
    meta.put(META_STUDENTS, n);
    share.setStudentsTracked(n);
  }

  @Override
  public void close() {
    if (share != null) {
      metrics.leave(share);
    }
  }

  /**
   * Gauges restart from the checkpointed counts, not from zero (issue 20). The engine restores the
   * stores before it calls {@code init}, so the counts are there already.
   */
  private void loadCounters() {
    for (Rule rule : Rule.values()) {
      share.setOpen(rule, count(AlertBook.openKey(rule)));
    }
    share.setStudentsTracked(count(META_STUDENTS));
  }
}
