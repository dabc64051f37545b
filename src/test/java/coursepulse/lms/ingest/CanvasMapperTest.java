package coursepulse.lms.ingest;

import static coursepulse.lms.ingest.Fixtures.CANVAS_COURSE;
import static coursepulse.lms.ingest.Fixtures.CANVAS_STUDENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.SubmissionCreated;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanvasMapperTest {

  private final CourseCatalog catalog = Fixtures.catalog();
  private final CanvasMapper mapper = new CanvasMapper(catalog);

  private LmsEvent single(String fixture) {
    List<MappedEvent> mapped = mapper.map(Fixtures.json("canvas/" + fixture));
    assertThat(mapped).hasSize(1).first().isInstanceOf(MappedEvent.Accepted.class);
    List<LmsEvent> events = ((MappedEvent.Accepted) mapped.get(0)).events();
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  @Test
  void shouldMapLoggedInWithUserIdAndAgent() {
    assertThat(single("logged_in.json"))
        .isEqualTo(
            new LoggedIn(
                "2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b01", 1, Instant.parse("2026-09-14T09:00:00Z"),
                CANVAS_STUDENT, null,
                "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"));
  }

  @Test
  void shouldMapEnrollmentCreatedWithRoleAndConfiguredCourseDates() {
    assertThat(single("enrollment_created.json"))
        .isEqualTo(
            new EnrollmentCreated(
                "2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b02", 1, Instant.parse("2026-08-25T21:07:33Z"),
                CANVAS_STUDENT, CANVAS_COURSE, "student", "Isaac Newton", null,
                Fixtures.TERM_START, Fixtures.TERM_END));
  }

  @Test
  void shouldMapAssignmentCreatedWithDueAndPoints() {
    assertThat(single("assignment_created.json"))
        .isEqualTo(
            new AssignmentCreated(
                "2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b03", 1, Instant.parse("2026-09-01T14:00:00Z"),
                CANVAS_COURSE, "21070000000001234", Instant.parse("2026-09-13T23:59:00Z"), 25.0));
  }

  /**
   * Canvas gives due times with the offset of the course's zone, ISO or spaced. Ingest appends
   * the instant they name, in UTC, which is what the alerting application judges deadlines by
   * ({@code DeadlineTimeZonesTest} feeds it an offset directly).
   */
  @ParameterizedTest
  @ValueSource(strings = {"2026-03-01T23:59:00-08:00", "2026-03-01 23:59:00 -0800"})
  void shouldAppendADueTimeGivenWithAnOffsetAsTheUtcInstantItNames(String dueAt) {
    ObjectNode created = (ObjectNode) Fixtures.json("canvas/assignment_created.json");
    ((ObjectNode) created.get("body")).put("due_at", dueAt);
    List<MappedEvent> mapped = mapper.map(created);

    assertThat(mapped).singleElement().isInstanceOfSatisfying(MappedEvent.Accepted.class, a -> {
      AssignmentCreated event = (AssignmentCreated) a.events().get(0);
      assertThat(event.dueAt()).isEqualTo(Instant.parse("2026-03-02T07:59:00Z"));
      assertThat(new String(EventCodec.encode(event), StandardCharsets.UTF_8))
          .contains("\"dueAt\":\"2026-03-02T07:59:00Z\"");
    });
  }

  /** Maps assignment_created and teaches the catalog its course, as ingest does once appended. */
  private void appendedAssignment() {
    AssignmentCreated a = (AssignmentCreated) single("assignment_created.json");
    catalog.assignmentIn(a.assignmentId(), a.courseId());
  }

  @Test
  void shouldFindTheCourseOfASubmissionWithoutContextFromItsAssignment() {
    appendedAssignment();
    LmsEvent e = single("submission_created.json");
    assertThat(e)
        .isEqualTo(
            new SubmissionCreated(
                e.eventId(), 1, Instant.parse("2026-09-14T10:29:58Z"), CANVAS_STUDENT,
                CANVAS_COURSE, "21070000000001234", true));
    assertThat(e.eventId()).startsWith(CanvasMapper.DERIVED_ID_PREFIX);
  }

  @Test
  void shouldFindTheCourseOfASubmissionFromAnAssignmentEarlierInTheSameBatchOnly() {
    // Mapping alone teaches the catalog nothing: the request may still be refused.
    single("assignment_created.json");
    assertThat(mapper.map(Fixtures.json("canvas/submission_created.json")).get(0))
        .isInstanceOfSatisfying(
            MappedEvent.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_COURSE));
    ArrayNode batch = new ObjectMapper().createArrayNode()
        .add(Fixtures.json("canvas/assignment_created.json"))
        .add(Fixtures.json("canvas/submission_created.json"));
    assertThat(mapper.map(batch).get(1))
        .isInstanceOfSatisfying(MappedEvent.Accepted.class, a -> assertThat(a.events().get(0))
            .extracting(e -> ((SubmissionCreated) e).courseId()).isEqualTo(CANVAS_COURSE));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1e400", "-10", "\"25\""})
  void shouldRefusePointsPossibleThatAreNotAFiniteNumberAtLeastZero(String points)
      throws Exception {
    ObjectNode created = (ObjectNode) Fixtures.json("canvas/assignment_created.json");
    ((ObjectNode) created.get("body"))
        .set("points_possible", new ObjectMapper().readTree(points));
    assertThat(mapper.map(created).get(0))
        .isInstanceOfSatisfying(MappedEvent.Rejected.class, r -> {
          assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TYPE);
          assertThat(r.detail()).contains("body.points_possible");
        });
  }

  @Test
  void shouldGiveCanvasTestStudentsARoleNoRuleTracks() {
    assertThat(CanvasMapper.role("StudentViewEnrollment")).isEqualTo("test_user");
    assertThat(CanvasMapper.role("StudentEnrollment")).isEqualTo("student");
  }

  @Test
  void shouldReadTheGradeOfAGradedSubmissionAndRefuseAScoreThatIsNotANumber() {
    appendedAssignment();
    ObjectNode graded = (ObjectNode) Fixtures.json("canvas/submission_created.json");
    ((ObjectNode) graded.get("body")).put("score", 21.5);
    List<MappedEvent> mapped = mapper.map(graded);
    assertThat(((MappedEvent.Accepted) mapped.get(0)).events().get(0))
        .isInstanceOfSatisfying(SubmissionCreated.class, s -> assertThat(s.score()).isEqualTo(21.5));
    ((ObjectNode) graded.get("body")).put("score", "A-");
    assertThat(mapper.map(graded).get(0))
        .isInstanceOfSatisfying(
            MappedEvent.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(RejectReason.WRONG_TYPE));
  }

  @Test
  void shouldDeriveTheSameIdForTheSameEventWhateverTheFieldOrder() {
    ObjectNode event = (ObjectNode) Fixtures.json("canvas/submission_created.json");
    ObjectNode reordered = new ObjectMapper().createObjectNode();
    reordered.set("body", event.get("body"));
    reordered.set("metadata", event.get("metadata"));
    assertThat(CanvasMapper.derivedId(reordered)).isEqualTo(CanvasMapper.derivedId(event));
  }

  @Test
  void shouldRefuseASubmissionOfAnUnknownAssignmentWithoutContext() {
    List<MappedEvent> mapped = mapper.map(Fixtures.json("canvas/submission_created.json"));
    assertThat(mapped.get(0))
        .isInstanceOfSatisfying(
            MappedEvent.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_COURSE));
  }

  @Test
  void shouldMapEnrollmentUpdatedToDeletedOrCompletedAsDropped() {
    assertThat(single("enrollment_updated-deleted.json"))
        .isEqualTo(
            new EnrollmentDropped(
                "2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b06", 1, Instant.parse("2026-10-02T08:00:00Z"),
                CANVAS_STUDENT, CANVAS_COURSE, "deleted"));
    assertThat(((EnrollmentDropped) single("enrollment_updated-completed.json")).reason())
        .isEqualTo("completed");
  }

  @Test
  void shouldIgnoreEnrollmentUpdatedThatKeepsTheEnrolment() {
    assertThat(mapper.map(Fixtures.json("canvas/enrollment_updated-active.json")).get(0))
        .isInstanceOf(MappedEvent.Ignored.class);
  }

  @Test
  void shouldMapAssetAccessedOfAWikiPageInACourse() {
    assertThat(single("asset_accessed.json"))
        .isEqualTo(
            new AssetAccessed(
                "2f1c7e4d-6a55-4b0e-9a51-0d9f8e7c6b05", 1,
                Instant.parse("2026-09-14T10:05:06.753Z"), CANVAS_STUDENT, CANVAS_COURSE, "page"));
  }

  @Test
  void shouldRefuseLoggedInWithoutUser() {
    assertThat(mapper.map(Fixtures.json("canvas/malformed-missing-user.json")).get(0))
        .isInstanceOfSatisfying(
            MappedEvent.Rejected.class,
            r -> {
              assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD);
              assertThat(r.detail()).isEqualTo("metadata.user_id");
            });
  }

  @Test
  void shouldRefuseADocumentThatIsNoLiveEvent() {
    assertThatThrownBy(() -> mapper.map(Fixtures.json("canvas/malformed-not-an-event.json")))
        .isInstanceOf(EnvelopeException.class);
  }

  @Test
  void shouldMapAnArrayOfEventsOneByOne() {
    List<MappedEvent> mapped = mapper.map(Fixtures.json("canvas/partial.json"));
    assertThat(mapped).hasSize(3);
    assertThat(mapped.get(0)).isInstanceOf(MappedEvent.Accepted.class);
    assertThat(mapped.get(1)).isInstanceOf(MappedEvent.Rejected.class);
    assertThat(mapped.get(2)).isInstanceOf(MappedEvent.Ignored.class);
  }
}
