package coursepulse.lms.oulad;

import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.event.SubmissionCreated;
import coursepulse.lms.oulad.OuladTables.Assessment;
import coursepulse.lms.oulad.OuladTables.Course;
import coursepulse.lms.oulad.OuladTables.Registration;
import coursepulse.lms.oulad.OuladTables.Submission;
import coursepulse.lms.outcome.Outcome;
import coursepulse.lms.publish.EventSource;
import coursepulse.lms.publish.PublishableEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * OULAD as a feed of schema events (see {@code docs/oulad.md} for the mapping): enrolments and
 * withdrawals on {@code 01-Enrollment}, one session a day on {@code 02-Login}, assessments,
 * graded submissions and page clicks on {@code 03-Activity}.
 *
 * <p>The feed walks the calendar one day at a time over every chosen presentation at once and
 * emits each day's events in a fixed order of times of day, so every stream is in event-time order
 * and the same tables always give the same events, the same ids and the same bytes. Only the small
 * tables and the click rows (16 bytes each, {@link VleCursor}) are held. Event ids are
 * name-based UUIDs of the row an event comes from, so they do not depend on which presentations
 * are imported together; {@link PublishableEvent#sequence()} is the event's position in its stream
 * and {@link #producerName()} names the feed (selection, start days, mapping and the rows' digest),
 * for the publisher's resumption. Not
 * thread-safe; close it to release the click files.
 */
public final class OuladImport implements EventSource, AutoCloseable {

  /** Changes with any change of the mapping, so output of an older mapping never shares a producer name. */
  static final int MAPPING_VERSION = 2; // 2: no deadline for an assessment nobody handed in

  /** What to do when the log holds another import whose events are newer than this one's. */
  public static final String EARLIER_FEED_ADVICE =
      "Import every presentation you want in one run, into an empty log (a new vhost, or a new"
          + " --embedded-dir). The same presentations are another import too when their tables"
          + " have changed since, or their --start dates, or the coursepulse version that"
          + " imported them.";

  /** The role every OULAD enrolment gets. */
  static final String ROLE = "student";

  /** OULAD scores are percentages. */
  static final double POINTS_POSSIBLE = 100.0;

  // Times of day (seconds after 00:00 UTC); docs/oulad.md explains the choice.
  static final int ENROLLED_AT = 0;
  static final int PUBLISHED_AT = 0;
  static final int LOGGED_IN_AT = 8 * 3600;
  static final int CLICKED_AT = 8 * 3600 + 5 * 60;
  static final int SUBMITTED_AT = 12 * 3600;
  static final int DUE_AT = 86_399;
  static final int DROPPED_AT = 86_399;

  private static final int ENROLLMENT = StreamNames.INPUTS.indexOf(StreamNames.ENROLLMENT);
  private static final int LOGIN = StreamNames.INPUTS.indexOf(StreamNames.LOGIN);
  private static final int ACTIVITY = StreamNames.INPUTS.indexOf(StreamNames.ACTIVITY);
  private static final int V = LmsEvent.SCHEMA_VERSION;

  private final List<Presentation> presentations = new ArrayList<>();
  private final String producerName;
  private final long[] sequences = new long[3];
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private final Map<String, Long> skipped = new TreeMap<>();
  private final Map<String, Long> unmatched = new TreeMap<>();
  private final List<OuladEvent> today = new ArrayList<>();
  private int todayIndex;
  private long day;
  private final long lastTableDay;
  private int[] active = new int[1024];
  private final MessageDigest md5;

  private OuladImport(OuladDirectory dir, Collection<String> chosen, OuladCalendar calendar) {
    md5 = Digests.md5();
    for (String type :
        List.of(EnrollmentCreated.TYPE, EnrollmentDropped.TYPE, LoggedIn.TYPE, AssignmentCreated.TYPE,
            SubmissionCreated.TYPE, AssetAccessed.TYPE)) {
      counts.put(type, 0L);
    }
    OuladTables tables = OuladTables.load(dir, chosen);
    calendar.requireImported(tables.courses.values());
    skipped.putAll(tables.leftOut);
    StringBuilder fingerprint = new StringBuilder("oulad-v" + MAPPING_VERSION);
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    try {
      for (Course c : tables.courses.values()) {
        Presentation p = new Presentation(c, calendar, tables, dir, skipped);
        presentations.add(p);
        fingerprint.append('|').append(c.id()).append('=').append(p.startDay);
        first = Math.min(first, p.startDay + Math.min(p.firstTableDay, p.clicks.day()));
        last = Math.max(last, p.startDay + p.lastTableDay);
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    // The start days above are all the calendar decides. The content digest makes tables changed
    // since an import another feed, instead of one the publisher would resume at a position that
    // now holds other events.
    MessageDigest content = Digests.sha256();
    content.update(tables.contentDigest());
    for (Presentation p : presentations) {
      p.clicks.digestInto(content);
    }
    fingerprint.append("|content=").append(HexFormat.of().formatHex(content.digest()));
    this.producerName =
        "coursepulse-oulad-"
            + UUID.nameUUIDFromBytes(fingerprint.toString().getBytes(StandardCharsets.UTF_8))
                .toString()
                .substring(0, 18)
                .replace("-", "");
    this.day = first;
    this.lastTableDay = last;
  }

  /**
   * Opens the dataset in {@code dir}.
   *
   * @param presentations course ids to import ({@code AAA-2013J}); empty for all of {@code
   *     courses.csv}
   * @throws OuladFormatException for missing or malformed tables, naming file and line
   */
  public static OuladImport open(Path dir, Collection<String> presentations, OuladCalendar calendar) {
    return new OuladImport(OuladDirectory.of(dir), presentations, calendar);
  }

  /**
   * The producer name for publishing: the same for the same presentations, start days, mapping
   * and table rows (whatever their layout); another for any change of them.
   */
  public String producerName() {
    return producerName;
  }

  /** The imported presentations' course ids, in order. */
  public List<String> courseIds() {
    return presentations.stream().map(p -> p.courseId).toList();
  }

  /** Events emitted so far per type, in schema order. */
  public Map<String, Long> counts() {
    return Collections.unmodifiableMap(new LinkedHashMap<>(counts));
  }

  /** Rows deliberately left out so far, by reason ({@code banked_submission}, ...), in name order. */
  public Map<String, Long> skipped() {
    return Collections.unmodifiableMap(new TreeMap<>(skipped));
  }

  /**
   * Rows imported so far although another table lacks what they refer to, by kind: clicks and
   * submissions of students without a {@code studentRegistration} row (the alerting application
   * refuses them as {@code not_enrolled}), clicks on sites {@code vle.csv} does not list
   * ({@code assetKind} null). In name order.
   */
  public Map<String, Long> unmatched() {
    return Collections.unmodifiableMap(new TreeMap<>(unmatched));
  }

  /**
   * The real outcome of every student-course in {@code studentInfo}, sorted by course, then by
   * numeric student id; {@code withdrawnAt} is 00:00 UTC of the unregistration day when there is
   * one.
   */
  public List<Outcome> outcomes() {
    List<Outcome> out = new ArrayList<>();
    for (Presentation p : presentations) {
      p.results.keySet().stream()
          .sorted()
          .forEach(
              student -> {
                Registration r = p.registrationOf.get(student);
                Instant withdrawn =
                    r == null || r.unregistered() == null ? null : p.at(r.unregistered(), 0);
                out.add(new Outcome(studentId(student), p.courseId, p.results.get(student), withdrawn));
              });
    }
    return out;
  }

  @Override
  public PublishableEvent next() {
    while (todayIndex == today.size()) {
      today.clear();
      todayIndex = 0;
      if (day > lastTableDay && presentations.stream().allMatch(p -> p.clicks.day() == VleCursor.END)) {
        return null;
      }
      buildDay(day++);
    }
    return today.get(todayIndex++);
  }

  /** All events of one calendar day (epoch day), in the order of their times of day. */
  private void buildDay(long epochDay) {
    for (Presentation p : presentations) {
      int d = (int) (epochDay - p.startDay);
      if (d == p.publishDay) {
        for (Assessment a : p.assignments) {
          String assignmentId = p.assignmentId(a.id());
          add(ACTIVITY,
              new AssignmentCreated(id("assignment|" + assignmentId), V, p.at(d, PUBLISHED_AT),
                  p.courseId, assignmentId, p.at(a.day(), DUE_AT), POINTS_POSSIBLE, a.type(), a.weight()));
        }
      }
    }
    for (Presentation p : presentations) {
      int d = (int) (epochDay - p.startDay);
      for (int student : p.registered.getOrDefault(d, NONE)) {
        add(ENROLLMENT,
            new EnrollmentCreated(id("enrolled|" + p.courseId + "|" + student), V, p.at(d, ENROLLED_AT),
                studentId(student), p.courseId, ROLE, null, null, p.start, p.end));
      }
    }
    // the day's sessions: one per student with a click or a submission in any presentation
    int activeCount = 0;
    List<int[]> clickDays = new ArrayList<>(presentations.size());
    for (Presentation p : presentations) {
      int d = (int) (epochDay - p.startDay);
      int[] rows = p.clicksOf(d);
      clickDays.add(rows);
      for (int r = 0; r < rows.length; r += 3) {
        activeCount = addActive(activeCount, rows[r]);
      }
      for (Submission s : p.submitted.getOrDefault(d, List.of())) {
        activeCount = addActive(activeCount, s.student());
      }
    }
    Arrays.sort(active, 0, activeCount);
    String date = java.time.LocalDate.ofEpochDay(epochDay).toString();
    Instant loginAt = Instant.ofEpochSecond(epochDay * 86_400 + LOGGED_IN_AT);
    for (int k = 0; k < activeCount; k++) {
      if (k > 0 && active[k] == active[k - 1]) {
        continue;
      }
      add(LOGIN, new LoggedIn(id("session|" + active[k] + "|" + date), V, loginAt, studentId(active[k]), null, null));
    }
    for (int i = 0; i < presentations.size(); i++) {
      Presentation p = presentations.get(i);
      int d = (int) (epochDay - p.startDay);
      int[] rows = clickDays.get(i);
      Map<Long, Integer> seen = new HashMap<>();
      Instant at = rows.length == 0 ? null : p.at(d, CLICKED_AT);
      for (int r = 0; r < rows.length; r += 3) {
        int student = rows[r];
        int site = rows[r + 1];
        // OULAD repeats some (student, page, day) rows: the occurrence number keeps ids unique
        int occurrence = seen.merge(((long) student << 32) | (site & 0xFFFF_FFFFL), 1, Integer::sum) - 1;
        if (!p.registrationOf.containsKey(student)) {
          unmatched.merge("click_of_unregistered_student", 1L, Long::sum);
        }
        if (!p.siteKinds.containsKey(site)) {
          unmatched.merge("click_on_site_not_in_vle", 1L, Long::sum);
        }
        add(ACTIVITY,
            new AssetAccessed(id("clicks|" + p.courseId + "|" + student + "|" + site + "|" + d + "|" + occurrence),
                V, at, studentId(student), p.courseId, p.siteKinds.get(site), Integer.toString(site),
                rows[r + 2]));
      }
    }
    for (Presentation p : presentations) {
      int d = (int) (epochDay - p.startDay);
      for (Submission s : p.submitted.getOrDefault(d, List.of())) {
        Assessment a = p.assessment.get(s.assessment());
        String assignmentId = p.assignmentId(a.id());
        if (!p.registrationOf.containsKey(s.student())) {
          unmatched.merge("submission_of_unregistered_student", 1L, Long::sum);
        }
        add(ACTIVITY,
            new SubmissionCreated(id("submitted|" + assignmentId + "|" + s.student()), V, p.at(d, SUBMITTED_AT),
                studentId(s.student()), p.courseId, assignmentId, d > a.day(), s.score()));
      }
    }
    for (Presentation p : presentations) {
      int d = (int) (epochDay - p.startDay);
      for (int student : p.unregistered.getOrDefault(d, NONE)) {
        add(ENROLLMENT,
            new EnrollmentDropped(id("withdrew|" + p.courseId + "|" + student), V, p.at(d, DROPPED_AT),
                studentId(student), p.courseId, "withdrawn"));
      }
    }
  }

  private static final int[] NONE = new int[0];

  private int addActive(int count, int student) {
    if (count == active.length) {
      active = Arrays.copyOf(active, count * 2);
    }
    active[count] = student;
    return count + 1;
  }

  private void add(int stream, LmsEvent event) {
    today.add(new OuladEvent(stream, sequences[stream]++, event));
    counts.merge(event.type(), 1L, Long::sum);
  }

  /** A name-based (version 3) UUID of the row identity. */
  private String id(String identity) {
    md5.reset();
    byte[] hash = md5.digest(("oulad|" + identity).getBytes(StandardCharsets.UTF_8));
    hash[6] = (byte) ((hash[6] & 0x0f) | 0x30);
    hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (hash[i] & 0xff);
      lsb = (lsb << 8) | (hash[i + 8] & 0xff);
    }
    return new UUID(msb, lsb).toString();
  }

  static String studentId(int student) {
    return "oulad-" + student;
  }

  @Override
  public void close() {
    for (Presentation p : presentations) {
      p.clicks.close();
    }
  }

  /** One event of the feed; its JSON is encoded only when the publisher needs it. */
  private record OuladEvent(int streamIndex, long sequence, LmsEvent event) implements PublishableEvent {
    @Override
    public long epochSecond() {
      return event.occurredAt().getEpochSecond();
    }

    @Override
    public String studentId() {
      return event instanceof AssignmentCreated ? null : event.key();
    }

    @Override
    public byte[] toJson() {
      return EventCodec.encode(event);
    }
  }

  /** One presentation's tables arranged by day, and its click cursor. */
  private static final class Presentation {
    final String courseId;
    final long startDay;
    final Instant start;
    final Instant end;
    final List<Assessment> assignments = new ArrayList<>();
    final Map<Integer, Assessment> assessment = new HashMap<>();
    final int publishDay;
    final Map<Integer, int[]> registered;
    final Map<Integer, int[]> unregistered;
    final Map<Integer, Registration> registrationOf = new HashMap<>();
    final Map<Integer, List<Submission>> submitted = new HashMap<>();
    final Map<Integer, coursepulse.lms.outcome.FinalResult> results;
    final Map<Integer, String> siteKinds;
    final int firstTableDay;
    final int lastTableDay;
    final VleCursor clicks;
    private int[] dayRows = new int[3 * 1024];

    Presentation(Course c, OuladCalendar calendar, OuladTables t, OuladDirectory dir, Map<String, Long> skipped) {
      courseId = c.id();
      startDay = calendar.start(c.module(), c.presentation()).toEpochDay();
      start = at(0, 0);
      end = at(c.length(), 0);
      results = t.results.getOrDefault(courseId, Map.of());
      siteKinds = t.siteKinds.getOrDefault(courseId, Map.of());
      for (Assessment a : t.assessments.getOrDefault(courseId, List.of())) {
        assessment.put(a.id(), a);
        if (a.day() != null) {
          assignments.add(a);
        }
      }
      assignments.sort(Comparator.comparing(Assessment::day).thenComparing(Assessment::id));
      int first = 0;
      int last = 0;
      Map<Integer, Integer> firstSubmission = new HashMap<>();
      Set<Integer> handedIn = new HashSet<>();
      List<Submission> subs = new ArrayList<>(t.submissions.getOrDefault(courseId, List.of()));
      subs.sort(Comparator.comparingInt(Submission::day).thenComparingInt(Submission::student)
          .thenComparingInt(Submission::assessment));
      for (Submission s : subs) {
        if (s.banked()) {
          skipped.merge("banked_submission", 1L, Long::sum);
          continue;
        }
        if (assessment.get(s.assessment()).day() == null) {
          skipped.merge("submission_to_undated_assessment", 1L, Long::sum);
          continue;
        }
        submitted.computeIfAbsent(s.day(), k -> new ArrayList<>()).add(s);
        handedIn.add(s.assessment());
        firstSubmission.merge(s.student(), s.day(), Math::min);
        first = Math.min(first, s.day());
        last = Math.max(last, s.day());
      }
      // An assessment of which the tables hold no submission at all was not collected through the
      // VLE (the exams of EEE, FFF and GGG in 2013: sat, not handed in): as a deadline every
      // student would miss it, so it is not published.
      int before = assignments.size();
      assignments.removeIf(a -> !handedIn.contains(a.id()));
      if (assignments.size() < before) {
        skipped.merge("assessment_without_submissions", (long) (before - assignments.size()), Long::sum);
      }
      // assignments are announced at the start, or before the first submission if that is earlier
      publishDay = first;
      Map<Integer, List<Integer>> reg = new TreeMap<>();
      Map<Integer, List<Integer>> unreg = new TreeMap<>();
      List<Registration> rows = new ArrayList<>(t.registrations.getOrDefault(courseId, List.of()));
      rows.sort(Comparator.comparingInt(Registration::student));
      for (Registration r : rows) {
        if (registrationOf.putIfAbsent(r.student(), r) != null) {
          skipped.merge("repeated_registration", 1L, Long::sum);
          continue;
        }
        // no registration date: enrolled on the first day anything is known of the student
        int day = r.registered() != null ? r.registered() : Math.min(0, firstSubmission.getOrDefault(r.student(), 0));
        if (r.unregistered() != null) {
          day = Math.min(day, r.unregistered());
          unreg.computeIfAbsent(r.unregistered(), k -> new ArrayList<>()).add(r.student());
          last = Math.max(last, r.unregistered());
        }
        reg.computeIfAbsent(day, k -> new ArrayList<>()).add(r.student());
        first = Math.min(first, day);
        last = Math.max(last, day); // a registration after everything else still is an event
      }
      registered = toArrays(reg);
      unregistered = toArrays(unreg);
      for (Assessment a : assignments) {
        last = Math.max(last, a.day());
      }
      firstTableDay = first;
      lastTableDay = last;
      clicks = dir.clicks(c.module(), c.presentation());
    }

    private static Map<Integer, int[]> toArrays(Map<Integer, List<Integer>> byDay) {
      Map<Integer, int[]> out = new HashMap<>();
      byDay.forEach((d, list) -> out.put(d, list.stream().mapToInt(Integer::intValue).toArray()));
      return out;
    }

    /** The click rows of day {@code d} as (student, site, clicks) triples, in file order. */
    int[] clicksOf(int d) {
      if (clicks.day() > d) {
        return NONE;
      }
      if (clicks.day() < d) {
        throw new IllegalStateException("click day " + clicks.day() + " was skipped");
      }
      int n = 0;
      while (clicks.day() == d) {
        if (n + 3 > dayRows.length) {
          dayRows = Arrays.copyOf(dayRows, dayRows.length * 2);
        }
        dayRows[n++] = clicks.student();
        dayRows[n++] = clicks.site();
        dayRows[n++] = clicks.clicks();
        clicks.advance();
      }
      return Arrays.copyOf(dayRows, n);
    }

    String assignmentId(int assessmentId) {
      return courseId + "-" + assessmentId;
    }

    Instant at(int d, int secondOfDay) {
      return Instant.ofEpochSecond((startDay + d) * 86_400L + secondOfDay);
    }
  }
}
