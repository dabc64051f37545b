package coursepulse.lms.ingest;

import static coursepulse.lms.ingest.Fixtures.CALIPER_SECTION;
import static coursepulse.lms.ingest.Fixtures.CALIPER_STUDENT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.LoggedOut;
import coursepulse.lms.event.SubmissionCreated;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class CaliperMapperTest {

  private final CaliperMapper mapper = new CaliperMapper(Fixtures.catalog());

  private List<LmsEvent> accepted(String fixture) {
    List<MappedEvent> mapped = mapper.map(Fixtures.json("caliper/" + fixture));
    assertThat(mapped).hasSize(1).first().isInstanceOf(MappedEvent.Accepted.class);
    return ((MappedEvent.Accepted) mapped.get(0)).events();
  }

  private static EnrollmentCreated impliedEnrolment() {
    return new EnrollmentCreated(
        CaliperMapper.MEMBERSHIP_ID_PREFIX
            + java.util.UUID.nameUUIDFromBytes(
                (CALIPER_STUDENT + "\n" + CALIPER_SECTION)
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
        1, Instant.parse("2026-08-20T06:00:00Z"), CALIPER_STUDENT, CALIPER_SECTION, "student",
        null, null, Fixtures.TERM_START, Fixtures.TERM_END);
  }

  @Test
  void shouldMapSessionLoggedInWithTheClientUserAgent() {
    assertThat(accepted("session-logged-in.json"))
        .containsExactly(
            new LoggedIn(
                "urn:uuid:fcd495d0-3740-4298-9bec-1154571dc211", 1,
                Instant.parse("2026-09-14T11:00:00Z"), CALIPER_STUDENT, null,
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like"
                    + " Gecko) Version/17.0 Safari/605.1.15"));
  }

  @Test
  void shouldMapSessionLoggedOutOfCaliper11() {
    assertThat(accepted("session-logged-out.json"))
        .containsExactly(
            new LoggedOut(
                "urn:uuid:a438f8ac-1da3-4d48-8c86-94a1b387e0f6", 1,
                Instant.parse("2026-09-14T11:45:00Z"), CALIPER_STUDENT));
  }

  @Test
  void shouldMapAssignableSubmittedAfterDueAsLateAndImplyTheEnrolment() {
    assertThat(accepted("assignable-submitted.json"))
        .containsExactly(
            impliedEnrolment(),
            new SubmissionCreated(
                "urn:uuid:a50ca17f-5971-47bb-8fca-4e6e6879001d", 1,
                Instant.parse("2026-09-14T11:15:00Z"), CALIPER_STUDENT, CALIPER_SECTION,
                "https://example.edu/terms/2026fall/courses/7/sections/1/assign/2", true));
  }

  @Test
  void shouldMapAssessmentSubmittedBeforeDueAsOnTime() {
    assertThat(accepted("assessment-submitted.json"))
        .containsExactly(
            impliedEnrolment(),
            new SubmissionCreated(
                "urn:uuid:dad88464-0c20-4a19-a1ba-ddf2f9c3ff33", 1,
                Instant.parse("2026-09-14T11:25:00Z"), CALIPER_STUDENT, CALIPER_SECTION,
                "https://example.edu/terms/2026fall/courses/7/sections/1/assess/1", false));
  }

  @Test
  void shouldReadTheScoreOfAnAutoGradedSubmission() {
    com.fasterxml.jackson.databind.node.ObjectNode envelope =
        (com.fasterxml.jackson.databind.node.ObjectNode) Fixtures.json("caliper/assessment-submitted.json");
    com.fasterxml.jackson.databind.node.ObjectNode event =
        (com.fasterxml.jackson.databind.node.ObjectNode) envelope.get("data").get(0);
    com.fasterxml.jackson.databind.node.ObjectNode score =
        ((com.fasterxml.jackson.databind.node.ObjectNode) event.get("generated")).putObject("generated");
    score.put("type", "Score").put("scoreGiven", 7.5).put("maxScore", 10.0);
    assertThat(submission(mapper.map(envelope)).score()).isEqualTo(7.5);
    event.set("generated", score);
    assertThat(submission(mapper.map(envelope)).score()).isEqualTo(7.5);
    event.remove("generated");
    assertThat(submission(mapper.map(envelope)).score()).isNull();
  }

  @Test
  void shouldMapAGradeEventToTheGradedSubmissionOfTheAssignee() {
    com.fasterxml.jackson.databind.node.ObjectNode envelope =
        (com.fasterxml.jackson.databind.node.ObjectNode) Fixtures.json("caliper/assessment-submitted.json");
    com.fasterxml.jackson.databind.node.ObjectNode event =
        (com.fasterxml.jackson.databind.node.ObjectNode) envelope.get("data").get(0);
    event.put("id", "urn:uuid:9a7d0d5e-6f44-4c1e-9b0e-0c4b7f3b2a11");
    event.put("type", "GradeEvent").put("action", "Graded");
    event.put("actor", "https://example.edu/users/112233"); // the instructor
    event.put("eventTime", "2026-09-20T09:00:00.000Z");
    com.fasterxml.jackson.databind.node.ObjectNode attempt = event.putObject("object");
    attempt.put("id", "https://example.edu/terms/2026fall/courses/7/sections/1/assess/1/users/554433/attempts/1");
    attempt.put("type", "Attempt").put("assignee", CALIPER_STUDENT);
    attempt.putObject("assignable")
        .put("id", "https://example.edu/terms/2026fall/courses/7/sections/1/assess/1")
        .put("type", "Assessment")
        .put("dateToSubmit", "2026-09-18T23:59:00.000Z");
    attempt.put("endedAtTime", "2026-09-14T11:25:00.000Z");
    event.putObject("generated").put("type", "Score").put("scoreGiven", 9.0).put("maxScore", 10.0);
    event.remove("membership");
    assertThat(((MappedEvent.Accepted) mapper.map(envelope).get(0)).events())
        .containsExactly(
            new SubmissionCreated(
                "urn:uuid:9a7d0d5e-6f44-4c1e-9b0e-0c4b7f3b2a11", 1,
                Instant.parse("2026-09-14T11:25:00Z"), CALIPER_STUDENT, CALIPER_SECTION,
                "https://example.edu/terms/2026fall/courses/7/sections/1/assess/1", false, 9.0));
  }

  private static SubmissionCreated submission(List<MappedEvent> mapped) {
    List<LmsEvent> events = ((MappedEvent.Accepted) mapped.get(0)).events();
    return (SubmissionCreated) events.get(events.size() - 1);
  }

  @Test
  void shouldMapNavigatedToAWebPageAsPageAccess() {
    assertThat(accepted("navigation-navigated-to.json"))
        .containsExactly(
            impliedEnrolment(),
            new AssetAccessed(
                "urn:uuid:ff9ec22a-fc59-4ae1-ae8d-2c9463ee2f8f", 1,
                Instant.parse("2026-09-14T11:05:00Z"), CALIPER_STUDENT, CALIPER_SECTION, "page"));
  }

  @Test
  void shouldMapViewedDocumentAsFileAccess() {
    assertThat(accepted("view-viewed.json"))
        .containsExactly(
            impliedEnrolment(),
            new AssetAccessed(
                "urn:uuid:cd088ca7-c044-405c-bb41-0b2a8506f907", 1,
                Instant.parse("2026-09-14T11:10:00Z"), CALIPER_STUDENT, CALIPER_SECTION, "file"));
  }

  @Test
  void shouldMapToolUseAsToolAccessWithEnrolmentFromEventTimeWhenMembershipHasNoDate() {
    List<LmsEvent> events = accepted("tool-use-used.json");
    assertThat(events).hasSize(2);
    assertThat(((EnrollmentCreated) events.get(0)).occurredAt())
        .isEqualTo(Instant.parse("2026-09-14T11:20:00Z"));
    assertThat(events.get(1))
        .isEqualTo(
            new AssetAccessed(
                "urn:uuid:7e10e4f3-a0d8-4430-95bd-783ffae4d916", 1,
                Instant.parse("2026-09-14T11:20:00Z"), CALIPER_STUDENT, CALIPER_SECTION, "tool"));
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {
      "Learner", "Learner#Member", "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
      "http://purl.imsglobal.org/vocab/lis/v2/membership/Learner#Learner"})
  void shouldImplyAnEnrolmentForALearnerRoleGivenAsTermOrIri(String role) {
    com.fasterxml.jackson.databind.node.ObjectNode envelope =
        (com.fasterxml.jackson.databind.node.ObjectNode) Fixtures.json("caliper/tool-use-used.json");
    ((com.fasterxml.jackson.databind.node.ArrayNode) envelope.at("/data/0/membership/roles"))
        .removeAll().add(role);
    List<MappedEvent> mapped = mapper.map(envelope);
    assertThat(((MappedEvent.Accepted) mapped.get(0)).events().get(0))
        .isInstanceOf(EnrollmentCreated.class);
  }

  @Test
  void shouldNeverCarryTheActorsNameIntoTheEnrolment() {
    EnrollmentCreated e = (EnrollmentCreated) accepted("assignable-submitted.json").get(0);
    assertThat(e.name()).isNull();
    assertThat(e.email()).isNull();
  }

  @Test
  void shouldRefuseEnvelopeWithoutData() {
    assertThatThrownBy(() -> mapper.map(Fixtures.json("caliper/malformed-missing-data.json")))
        .isInstanceOf(EnvelopeException.class)
        .extracting(e -> ((EnvelopeException) e).code())
        .isEqualTo("missing_field");
  }

  @Test
  void shouldRefuseCaliper10Envelope() {
    assertThatThrownBy(
            () -> mapper.map(Fixtures.json("caliper/malformed-unsupported-version.json")))
        .isInstanceOf(EnvelopeException.class)
        .extracting(e -> ((EnvelopeException) e).code())
        .isEqualTo("unsupported_version");
  }

  @Test
  void shouldMapGoodEventsAndReportBadAndUnusedOnesOfAPartialEnvelope() {
    List<MappedEvent> mapped = mapper.map(Fixtures.json("caliper/partial.json"));
    assertThat(mapped).hasSize(4);
    assertThat(mapped.get(0)).isInstanceOf(MappedEvent.Accepted.class);
    assertThat(mapped.get(1))
        .isInstanceOfSatisfying(
            MappedEvent.Rejected.class,
            r -> {
              assertThat(r.reason()).isEqualTo(RejectReason.MISSING_FIELD);
              assertThat(r.detail()).isEqualTo("actor.id");
              assertThat(r.sourceId()).isEqualTo("urn:uuid:3a7f6c1e-8f0b-4d55-9a3d-5b0b1c7e2a02");
            });
    assertThat(mapped.get(2)).isInstanceOf(MappedEvent.Ignored.class);
    assertThat(mapped.get(3))
        .isInstanceOfSatisfying(
            MappedEvent.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(RejectReason.BAD_TIMESTAMP));
  }

  @Test
  void shouldRefuseImpliedEnrolmentOfACourseWithoutDates() {
    CaliperMapper noDates = new CaliperMapper(CourseCatalog.empty());
    List<MappedEvent> mapped = noDates.map(Fixtures.json("caliper/view-viewed.json"));
    assertThat(mapped.get(0))
        .isInstanceOfSatisfying(
            MappedEvent.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(RejectReason.UNKNOWN_COURSE));
  }

  @Test
  void shouldReadCaliper10ActionIris() {
    assertThat(CaliperMapper.localName("http://purl.imsglobal.org/vocab/caliper/v1/action#LoggedIn"))
        .isEqualTo("LoggedIn");
  }
}
