package coursepulse.lms.oulad;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.oulad.OuladFixture.Layout;
import coursepulse.lms.outcome.FinalResult;
import coursepulse.lms.outcome.Outcome;
import coursepulse.lms.publish.EventPublisher;
import coursepulse.lms.publish.Pacer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OuladImportTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** What {@code import oulad --dry-run} writes: the feed as NDJSON. */
  private static byte[] dryRun(Path dir, List<String> presentations, OuladCalendar calendar) {
    try (OuladImport feed = OuladImport.open(dir, presentations, calendar)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new EventPublisher(Pacer.unlimited(), p -> {}).writeNdjson(feed, out);
      return out.toByteArray();
    }
  }

  private static List<JsonNode> events(byte[] ndjson) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : new String(ndjson, StandardCharsets.UTF_8).split("\n")) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  private static JsonNode only(List<JsonNode> events, String type, String student, String field, String value) {
    List<JsonNode> found =
        events.stream()
            .filter(e -> e.get("type").asText().equals(type))
            .filter(e -> student == null || e.path("studentId").asText().equals(student))
            .filter(e -> field == null || e.path(field).asText().equals(value))
            .toList();
    assertThat(found).as(type + " " + student + " " + field + "=" + value).hasSize(1);
    return found.get(0);
  }

  @Test
  void shouldEmitOneEventPerTableRowOfEachKind() throws Exception {
    List<JsonNode> events = events(dryRun(OuladFixture.write(tmp, Layout.PER_PRESENTATION), List.of(), OuladCalendar.standard()));
    Map<String, Long> perType = events.stream().collect(Collectors.groupingBy(e -> e.get("type").asText(), Collectors.counting()));
    assertThat(perType)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "enrollment_created", (long) OuladFixture.REGISTRATIONS.length,
                "enrollment_dropped", 2L, // the rows with date_unregistration
                "assignment_created", 3L, // the dated assessments
                "submission_created", 3L, // not the banked one
                "asset_accessed", (long) OuladFixture.CLICKS.length,
                // distinct (student, date) with a click or a submission; student 11's day 0 in both courses is one session
                "logged_in", 8L));
    assertThat(events.stream().map(e -> e.get("eventId").asText()).distinct()).hasSize(events.size());
    for (JsonNode e : events) {
      LmsEvent decoded = EventCodec.decode(e.toString().getBytes(StandardCharsets.UTF_8));
      assertThat(decoded.type()).isEqualTo(e.get("type").asText());
    }
  }

  @Test
  void shouldUseTheIssuesIdsCalendarAndTimesOfDay() throws Exception {
    List<JsonNode> events = events(dryRun(OuladFixture.write(tmp, Layout.PER_PRESENTATION), List.of(), OuladCalendar.standard()));
    // 2013J starts on the first Monday of October 2013: 2013-10-07
    JsonNode enrolled = only(events, "enrollment_created", "oulad-11", "courseId", "AAA-2013J");
    assertThat(enrolled.get("occurredAt").asText()).isEqualTo("2013-10-02T00:00:00Z");
    assertThat(enrolled.get("courseStart").asText()).isEqualTo("2013-10-07T00:00:00Z");
    assertThat(enrolled.get("courseEnd").asText()).isEqualTo("2013-11-06T00:00:00Z");
    assertThat(enrolled.get("name").isNull()).isTrue();
    assertThat(enrolled.get("email").isNull()).isTrue();
    // no registration date: enrolled on the day it withdrew, before the start
    assertThat(only(events, "enrollment_created", "oulad-13", null, null).get("occurredAt").asText())
        .isEqualTo("2013-10-06T00:00:00Z");
    assertThat(only(events, "enrollment_dropped", "oulad-13", null, null).get("occurredAt").asText())
        .isEqualTo("2013-10-06T23:59:59Z");
    assertThat(only(events, "enrollment_dropped", "oulad-12", null, null).get("occurredAt").asText())
        .isEqualTo("2013-10-14T23:59:59Z");

    JsonNode tma = only(events, "assignment_created", null, "assignmentId", "AAA-2013J-1");
    assertThat(tma.get("courseId").asText()).isEqualTo("AAA-2013J");
    assertThat(tma.get("occurredAt").asText()).isEqualTo("2013-10-07T00:00:00Z");
    assertThat(tma.get("dueAt").asText()).isEqualTo("2013-10-17T23:59:59Z");
    assertThat(tma.get("kind").asText()).isEqualTo("TMA");
    assertThat(tma.get("weight").asDouble()).isEqualTo(50.0);
    assertThat(events).noneMatch(e -> e.path("assignmentId").asText().equals("AAA-2013J-3")); // undated exam

    JsonNode onTime = only(events, "submission_created", "oulad-11", "assignmentId", "AAA-2013J-1");
    assertThat(onTime.get("occurredAt").asText()).isEqualTo("2013-10-17T12:00:00Z");
    assertThat(onTime.get("late").asBoolean()).isFalse();
    assertThat(onTime.get("score").asDouble()).isEqualTo(80.0);
    JsonNode late = only(events, "submission_created", "oulad-11", "assignmentId", "AAA-2013J-2");
    assertThat(late.get("late").asBoolean()).isTrue();
    assertThat(late.has("score")).isFalse();

    List<JsonNode> clicks = events.stream()
        .filter(e -> e.get("type").asText().equals("asset_accessed") && e.get("occurredAt").asText().equals("2013-10-07T08:05:00Z"))
        .filter(e -> e.get("courseId").asText().equals("AAA-2013J"))
        .toList();
    assertThat(clicks).extracting(e -> e.get("assetId").asText() + "/" + e.get("assetKind").asText() + "/" + e.get("clicks").asInt())
        .containsExactly("100/oucontent/2", "101/forumng/1", "100/oucontent/4");
    assertThat(events.stream().filter(e -> e.get("type").asText().equals("logged_in") && e.get("studentId").asText().equals("oulad-11"))
            .map(e -> e.get("occurredAt").asText()))
        .containsExactly(
            "2013-10-05T08:00:00Z", "2013-10-07T08:00:00Z", "2013-10-11T08:00:00Z", "2013-10-12T08:00:00Z",
            "2013-10-17T08:00:00Z", "2013-10-29T08:00:00Z");
  }

  @Test
  void shouldKeepEveryStreamInEventTimeOrderWithAssignmentsBeforeTheirSubmissions() throws Exception {
    List<JsonNode> events = events(dryRun(OuladFixture.write(tmp, Layout.PER_PRESENTATION), List.of(), OuladCalendar.standard()));
    Map<String, Instant> last = new HashMap<>();
    Set<String> announced = new HashSet<>();
    Map<String, Instant> enrolled = new HashMap<>();
    for (JsonNode e : events) {
      LmsEvent event = EventCodec.decode(e.toString().getBytes(StandardCharsets.UTF_8));
      Instant previous = last.put(event.stream(), event.occurredAt());
      assertThat(previous == null || !event.occurredAt().isBefore(previous)).as(e.toString()).isTrue();
      if (event instanceof coursepulse.lms.event.AssignmentCreated a) {
        announced.add(a.assignmentId());
      } else if (event instanceof coursepulse.lms.event.SubmissionCreated s) {
        assertThat(announced).contains(s.assignmentId());
      } else if (event instanceof coursepulse.lms.event.EnrollmentCreated c) {
        enrolled.put(c.studentId() + c.courseId(), c.occurredAt());
      } else if (event instanceof coursepulse.lms.event.AssetAccessed a) {
        assertThat(enrolled.get(a.studentId() + a.courseId())).isBefore(a.occurredAt());
      }
    }
    assertThat(last.keySet()).containsExactlyInAnyOrderElementsOf(StreamNames.INPUTS);
  }

  @Test
  void shouldReadTheOriginalLayoutToTheSameBytesAndRepeatThemExactly() throws Exception {
    byte[] shared = dryRun(OuladFixture.write(tmp.resolve("shared"), Layout.PER_PRESENTATION), List.of(), OuladCalendar.standard());
    byte[] original = dryRun(OuladFixture.write(tmp.resolve("original"), Layout.ORIGINAL), List.of(), OuladCalendar.standard());
    byte[] again = dryRun(tmp.resolve("original"), List.of(), OuladCalendar.standard());
    assertThat(original).isEqualTo(shared);
    assertThat(again).isEqualTo(original);
  }

  @Test
  void shouldImportOnlyTheChosenPresentationsWithTheSameEventIds() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    List<JsonNode> all = events(dryRun(dir, List.of(), OuladCalendar.standard()));
    List<JsonNode> bbb = events(dryRun(dir, List.of("BBB-2013J"), OuladCalendar.standard()));
    assertThat(bbb).allMatch(e -> e.get("type").asText().equals("logged_in") || e.get("courseId").asText().equals("BBB-2013J"));
    Set<String> allIds = all.stream().map(e -> e.get("eventId").asText()).collect(Collectors.toSet());
    assertThat(bbb).allMatch(e -> allIds.contains(e.get("eventId").asText()));
    try (OuladImport a = OuladImport.open(dir, List.of(), OuladCalendar.standard());
        OuladImport b = OuladImport.open(dir, List.of("BBB-2013J"), OuladCalendar.standard())) {
      assertThat(a.producerName()).isNotEqualTo(b.producerName()).startsWith("coursepulse-oulad-");
    }
  }

  @Test
  void shouldShiftAPresentationGivenItsOwnStart() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    List<JsonNode> events = events(dryRun(dir, List.of("AAA-2013J"), OuladCalendar.withStarts(List.of("AAA-2013J=2020-01-01"))));
    assertThat(only(events, "assignment_created", null, "assignmentId", "AAA-2013J-1").get("dueAt").asText())
        .isEqualTo("2020-01-11T23:59:59Z");
    assertThatThrownBy(() -> OuladCalendar.withStarts(List.of("AAA-2013J:2020-01-01")))
        .hasMessageContaining("PRESENTATION=DATE");
  }

  @Test
  void shouldListEveryStudentCourseOutcomeWithTheUnregistrationDay() throws Exception {
    try (OuladImport feed = OuladImport.open(OuladFixture.write(tmp, Layout.ORIGINAL), List.of(), OuladCalendar.standard())) {
      assertThat(feed.outcomes())
          .containsExactly(
              new Outcome("oulad-11", "AAA-2013J", FinalResult.PASS, null),
              new Outcome("oulad-12", "AAA-2013J", FinalResult.WITHDRAWN, Instant.parse("2013-10-14T00:00:00Z")),
              new Outcome("oulad-13", "AAA-2013J", FinalResult.WITHDRAWN, Instant.parse("2013-10-06T00:00:00Z")),
              new Outcome("oulad-14", "AAA-2013J", FinalResult.FAIL, null),
              new Outcome("oulad-11", "BBB-2013J", FinalResult.DISTINCTION, null),
              new Outcome("oulad-21", "BBB-2013J", FinalResult.PASS, null));
    }
  }

  /**
   * A dated assessment of which the tables hold no submission (2013's exams of EEE, FFF and GGG:
   * sat, not handed in through the VLE) is not published: as a deadline, every student would miss
   * it. Counted among the rows left out; one submission, banked ones aside, is enough to keep one.
   */
  @Test
  void shouldNotPublishADeadlineThatNoStudentHandedInThroughTheVle() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    String[] assessments = java.util.Arrays.copyOf(
        OuladFixture.ASSESSMENTS, OuladFixture.ASSESSMENTS.length + 2);
    assessments[assessments.length - 2] = "AAA,2013J,5,Exam,28,100.0"; // no submission at all
    assessments[assessments.length - 1] = "BBB,2013J,6,CMA,15,0.0"; // a banked one only
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "assessments",
        "code_module,code_presentation,id_assessment,assessment_type,date,weight", assessments);
    String[] submissions = java.util.Arrays.copyOf(
        OuladFixture.SUBMISSIONS, OuladFixture.SUBMISSIONS.length + 1);
    submissions[submissions.length - 1] = "6,21,14,1,70.0";
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "studentAssessment",
        "id_assessment,id_student,date_submitted,is_banked,score", submissions);

    List<JsonNode> events;
    Map<String, Long> skipped;
    try (OuladImport feed = OuladImport.open(dir, List.of(), OuladCalendar.standard())) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      new EventPublisher(Pacer.unlimited(), p -> {}).writeNdjson(feed, out);
      events = events(out.toByteArray());
      skipped = feed.skipped();
    }

    assertThat(events.stream().filter(e -> e.get("type").asText().equals("assignment_created"))
            .map(e -> e.get("assignmentId").asText()))
        .containsExactlyInAnyOrder("AAA-2013J-1", "AAA-2013J-2", "BBB-2013J-4");
    assertThat(skipped).containsEntry("assessment_without_submissions", 2L)
        .containsEntry("banked_submission", 2L);
  }

  @Test
  void shouldNameFileAndLineOfAMalformedRow() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.ORIGINAL);
    OuladFixture.table(dir, Layout.ORIGINAL, "studentRegistration",
        "code_module,code_presentation,id_student,date_registration,date_unregistration",
        new String[] {"AAA,2013J,11,-5,", "AAA,2013J,12,soon,7"});
    assertThatThrownBy(() -> OuladImport.open(dir, List.of(), OuladCalendar.standard()))
        .isInstanceOf(OuladFormatException.class)
        .hasMessageContaining("studentRegistration.csv: line 3")
        .hasMessageContaining("'soon', not a whole number");
  }

  @Test
  void shouldImportClicksInAnyOrderAsTheSortedFileGivesThem() throws Exception {
    byte[] sorted = dryRun(OuladFixture.write(tmp.resolve("sorted"), Layout.ORIGINAL), List.of(), OuladCalendar.standard());
    // The same rows, the days in reverse and the presentations interleaved; within a day the
    // rows keep their order, which is what the events of one day are emitted in.
    Map<Integer, List<String>> byDay = new java.util.TreeMap<>(java.util.Comparator.reverseOrder());
    for (String row : OuladFixture.CLICKS) {
      byDay.computeIfAbsent(Integer.parseInt(row.split(",")[4]), d -> new ArrayList<>()).add(row);
    }
    String[] shuffled = byDay.values().stream().flatMap(List::stream).toArray(String[]::new);
    assertThat(shuffled).isNotEqualTo(OuladFixture.CLICKS);
    Path dir = OuladFixture.write(tmp.resolve("shuffled"), Layout.ORIGINAL);
    OuladFixture.table(dir, Layout.ORIGINAL, "studentVle", "code_module,code_presentation,id_student,id_site,date,sum_click", shuffled);
    assertThat(dryRun(dir, List.of(), OuladCalendar.standard())).isEqualTo(sorted);
  }

  @Test
  void shouldNameFileAndLineOfAClickRowWithoutClicks() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.ORIGINAL);
    OuladFixture.table(dir, Layout.ORIGINAL, "studentVle", "code_module,code_presentation,id_student,id_site,date,sum_click",
        new String[] {"AAA,2013J,11,100,3,1", "AAA,2013J,11,100,1,0"});
    assertThatThrownBy(() -> dryRun(dir, List.of("AAA-2013J"), OuladCalendar.standard()))
        .isInstanceOf(OuladFormatException.class)
        .hasMessageContaining("studentVle.csv: line 3")
        .hasMessageContaining("sum_click is 0");
  }

  @Test
  void shouldSayWhatIsMissingWhenTheDirectoryIsNotOulad() throws IOException {
    Files.writeString(tmp.resolve("courses.csv"), "module,length\nAAA,30\n");
    assertThatThrownBy(() -> OuladImport.open(tmp, List.of(), OuladCalendar.standard()))
        .hasMessageContaining("courses.csv")
        .hasMessageContaining("no column 'code_module'");
    assertThatThrownBy(() -> OuladImport.open(tmp.resolve("nope"), List.of(), OuladCalendar.standard()))
        .hasMessageContaining("is not a directory");
  }

  @Test
  void shouldNameTheMissingClickFileOfAPresentation() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    Files.delete(dir.resolve("studentVle/BBB-2013J.csv.gz"));
    assertThatThrownBy(() -> OuladImport.open(dir, List.of(), OuladCalendar.standard()))
        .isInstanceOf(OuladFormatException.class)
        .hasMessageContaining(dir.resolve("studentVle") + ": no BBB-2013J.csv (or BBB-2013J.csv.gz)")
        .hasMessageContaining("leave BBB-2013J out of --presentations");
  }

  @Test
  void shouldReadAQuotedHeaderAfterAByteOrderMark() throws Exception {
    byte[] plain = dryRun(OuladFixture.write(tmp.resolve("plain"), Layout.ORIGINAL), List.of(), OuladCalendar.standard());
    Path dir = OuladFixture.write(tmp.resolve("bom"), Layout.ORIGINAL);
    for (String table : new String[] {"courses", "studentVle"}) {
      Path file = dir.resolve(table + ".csv");
      byte[] body = Files.readAllBytes(file);
      assertThat(body[0]).isEqualTo((byte) '"');
      byte[] withBom = new byte[body.length + 3];
      withBom[0] = (byte) 0xEF;
      withBom[1] = (byte) 0xBB;
      withBom[2] = (byte) 0xBF;
      System.arraycopy(body, 0, withBom, 3, body.length);
      Files.write(file, withBom);
    }
    assertThat(dryRun(dir, List.of(), OuladCalendar.standard())).isEqualTo(plain);
  }

  private static final String CLICKS_HEADER = "code_module,code_presentation,id_student,id_site,date,sum_click";
  private static final String SUBMISSIONS_HEADER = "id_assessment,id_student,date_submitted,is_banked,score";

  @Test
  void shouldRefuseADayFarOutsideThePresentationNamingFileAndLine() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "studentAssessment", SUBMISSIONS_HEADER,
        new String[] {"1,11,10,0,80.0", "2,11,123456789,0,50.0"});
    assertThatThrownBy(() -> OuladImport.open(dir, List.of(), OuladCalendar.standard()))
        .isInstanceOf(OuladFormatException.class)
        .hasMessageContaining("studentAssessment.csv: line 3: column 'date_submitted' is 123456789")
        .hasMessageContaining("within 3650 days of its start");
    // out of date order, such a day once sized the click sort's array by it (OutOfMemoryError)
    Path original = OuladFixture.write(tmp.resolve("original"), Layout.ORIGINAL);
    OuladFixture.table(original, Layout.ORIGINAL, "studentVle", CLICKS_HEADER,
        new String[] {"AAA,2013J,11,100,3,1", "AAA,2013J,11,100,-999999999,2"});
    assertThatThrownBy(() -> OuladImport.open(original, List.of("AAA-2013J"), OuladCalendar.standard()))
        .isInstanceOf(OuladFormatException.class)
        .hasMessageContaining("studentVle.csv: line 3: column 'date' is -999999999");
    OuladFixture.table(original, Layout.ORIGINAL, "studentRegistration",
        "code_module,code_presentation,id_student,date_registration,date_unregistration",
        new String[] {"AAA,2013J,11,-5,99999"});
    assertThatThrownBy(() -> OuladImport.open(original, List.of("AAA-2013J"), OuladCalendar.standard()))
        .hasMessageContaining("studentRegistration.csv: line 2: column 'date_unregistration' is 99999");
  }

  @Test
  void shouldRefuseAScoreAboveOneHundred() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "studentAssessment", SUBMISSIONS_HEADER,
        new String[] {"1,11,10,0,250.0"});
    assertThatThrownBy(() -> OuladImport.open(dir, List.of(), OuladCalendar.standard()))
        .hasMessageContaining("studentAssessment.csv: line 2: score 250.0 is not a percentage (0 to 100)");
  }

  @Test
  void shouldReadPaddedPresentationCodesOfClickRowsAsTheOtherTablesDo() throws Exception {
    byte[] plain = dryRun(OuladFixture.write(tmp.resolve("plain"), Layout.ORIGINAL), List.of(), OuladCalendar.standard());
    Path dir = OuladFixture.write(tmp.resolve("padded"), Layout.ORIGINAL);
    String[] padded = OuladFixture.CLICKS.clone();
    padded[1] = padded[1].replace("AAA,2013J,", "AAA ,2013J ,");
    OuladFixture.table(dir, Layout.ORIGINAL, "studentVle", CLICKS_HEADER, padded);
    assertThat(dryRun(dir, List.of(), OuladCalendar.standard())).isEqualTo(plain);
  }

  @Test
  void shouldRefuseAClickRowOfAnotherPresentationInAPresentationsOwnFile() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    Files.delete(dir.resolve("studentVle/AAA-2013J.csv.gz"));
    Files.writeString(dir.resolve("studentVle/AAA-2013J.csv"),
        CLICKS_HEADER + "\nAAA,2013J,11,100,-2,3\nBBB,2013J,11,200,0,5\n");
    assertThatThrownBy(() -> OuladImport.open(dir, List.of("AAA-2013J"), OuladCalendar.standard()))
        .isInstanceOf(OuladFormatException.class)
        .hasMessageContaining("AAA-2013J.csv: line 3: a click row of BBB-2013J in the file of AAA-2013J");
  }

  @Test
  void shouldEnrolAStudentWhoRegistersAfterEverythingElse() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.PER_PRESENTATION);
    String[] rows = java.util.Arrays.copyOf(OuladFixture.REGISTRATIONS, OuladFixture.REGISTRATIONS.length + 1);
    rows[rows.length - 1] = "AAA,2013J,15,40,";
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "studentRegistration",
        "code_module,code_presentation,id_student,date_registration,date_unregistration", rows);
    List<JsonNode> events = events(dryRun(dir, List.of(), OuladCalendar.standard()));
    assertThat(only(events, "enrollment_created", "oulad-15", null, null).get("occurredAt").asText())
        .isEqualTo("2013-11-16T00:00:00Z");
  }

  @Test
  void shouldLeaveOutAnExactlyRepeatedRowAndRefuseOneWithOtherValues() throws Exception {
    byte[] plain = dryRun(OuladFixture.write(tmp.resolve("plain"), Layout.PER_PRESENTATION), List.of(), OuladCalendar.standard());
    Path dir = OuladFixture.write(tmp.resolve("repeated"), Layout.PER_PRESENTATION);
    String[] submissions = java.util.Arrays.copyOf(OuladFixture.SUBMISSIONS, OuladFixture.SUBMISSIONS.length + 1);
    submissions[submissions.length - 1] = OuladFixture.SUBMISSIONS[0];
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "studentAssessment", SUBMISSIONS_HEADER, submissions);
    String[] assessments = java.util.Arrays.copyOf(OuladFixture.ASSESSMENTS, OuladFixture.ASSESSMENTS.length + 1);
    assessments[assessments.length - 1] = OuladFixture.ASSESSMENTS[0];
    String assessmentsHeader = "code_module,code_presentation,id_assessment,assessment_type,date,weight";
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "assessments", assessmentsHeader, assessments);
    assertThat(dryRun(dir, List.of(), OuladCalendar.standard())).isEqualTo(plain);
    try (OuladImport feed = OuladImport.open(dir, List.of(), OuladCalendar.standard())) {
      assertThat(feed.skipped()).containsEntry("repeated_submission", 1L).containsEntry("repeated_assessment", 1L);
    }

    submissions[submissions.length - 1] = "1,11,12,0,80.0"; // the same submission, another day
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "studentAssessment", SUBMISSIONS_HEADER, submissions);
    assertThatThrownBy(() -> OuladImport.open(dir, List.of(), OuladCalendar.standard()))
        .hasMessageContaining("studentAssessment.csv: line 6: student 11's submission to assessment 1 again, with other values");
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "studentAssessment", SUBMISSIONS_HEADER, OuladFixture.SUBMISSIONS);
    assessments[assessments.length - 1] = "AAA,2013J,1,TMA,12,50.0";
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "assessments", assessmentsHeader, assessments);
    assertThatThrownBy(() -> OuladImport.open(dir, List.of(), OuladCalendar.standard()))
        .hasMessageContaining("assessments.csv: line 6: id_assessment 1 again, with other values");
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "assessments", assessmentsHeader, OuladFixture.ASSESSMENTS);
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "courses", "code_module,code_presentation,module_presentation_length",
        new String[] {"AAA,2013J,30", "BBB,2013J,20", "AAA,2013J,31"});
    assertThatThrownBy(() -> OuladImport.open(dir, List.of(), OuladCalendar.standard()))
        .hasMessageContaining("courses.csv: line 4: AAA-2013J again, 31 days long after 30");
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "courses", "code_module,code_presentation,module_presentation_length",
        OuladFixture.COURSES);
    String[] info = java.util.Arrays.copyOf(OuladFixture.INFO, OuladFixture.INFO.length + 1);
    info[info.length - 1] = OuladFixture.INFO[0].replace(",Pass", ",Fail");
    OuladFixture.table(dir, Layout.PER_PRESENTATION, "studentInfo",
        "code_module,code_presentation,id_student,gender,region,highest_education,imd_band,age_band,"
            + "num_of_prev_attempts,studied_credits,disability,final_result", info);
    assertThatThrownBy(() -> OuladImport.open(dir, List.of(), OuladCalendar.standard()))
        .hasMessageContaining("studentInfo.csv: line 8: student 11 of AAA-2013J again, with final_result Fail after Pass");
  }

  @Test
  void shouldCountRowsReferringToWhatTheOtherTablesLack() throws Exception {
    Path dir = OuladFixture.write(tmp, Layout.ORIGINAL);
    String[] clicks = java.util.Arrays.copyOf(OuladFixture.CLICKS, OuladFixture.CLICKS.length + 2);
    clicks[clicks.length - 2] = "AAA,2013J,99,100,6,1"; // nobody registered student 99
    clicks[clicks.length - 1] = "AAA,2013J,11,999,6,1"; // vle.csv has no site 999
    OuladFixture.table(dir, Layout.ORIGINAL, "studentVle", CLICKS_HEADER, clicks);
    String[] submissions = java.util.Arrays.copyOf(OuladFixture.SUBMISSIONS, OuladFixture.SUBMISSIONS.length + 1);
    submissions[submissions.length - 1] = "1,99,9,0,40.0";
    OuladFixture.table(dir, Layout.ORIGINAL, "studentAssessment", SUBMISSIONS_HEADER, submissions);
    String[] registrations = java.util.Arrays.copyOf(OuladFixture.REGISTRATIONS, OuladFixture.REGISTRATIONS.length + 1);
    registrations[registrations.length - 1] = "CCC,2013J,31,-2,"; // courses.csv has no CCC
    OuladFixture.table(dir, Layout.ORIGINAL, "studentRegistration",
        "code_module,code_presentation,id_student,date_registration,date_unregistration", registrations);
    try (OuladImport feed = OuladImport.open(dir, List.of(), OuladCalendar.standard())) {
      new EventPublisher(Pacer.unlimited(), p -> {}).writeNdjson(feed, new ByteArrayOutputStream());
      assertThat(feed.unmatched())
          .containsExactlyEntriesOf(new java.util.TreeMap<>(Map.of(
              "click_of_unregistered_student", 1L, "click_on_site_not_in_vle", 1L,
              "submission_of_unregistered_student", 1L)));
      assertThat(feed.skipped()).containsEntry("row_of_unknown_presentation", 1L);
    }
  }
}
