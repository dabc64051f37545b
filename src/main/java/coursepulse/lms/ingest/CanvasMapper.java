package coursepulse.lms.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.EnrollmentDropped;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.LoggedOut;
import coursepulse.lms.event.SubmissionCreated;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Maps Canvas Live Events in Canvas format ({@code {"metadata": {...}, "body": {...}}}, one per
 * request as Canvas's HTTPS delivery sends them, or a JSON array of them) to schema v1: the one
 * place that knows Canvas field names (the table in {@code docs/ingest.md} mirrors this class).
 * Thread-safe.
 */
final class CanvasMapper {

  /** Prefix of event ids derived from the event's content when Canvas sent no {@code event_id}. */
  static final String DERIVED_ID_PREFIX = "canvas-sha256:";

  /** {@code enrollment_updated} states that end an enrolment. */
  static final Set<String> DROPPED_STATES = Set.of("deleted", "completed", "inactive");

  /** Sorted keys make the derived id independent of the sender's field order. */
  private static final ObjectMapper CANONICAL =
      new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private final CourseCatalog catalog;

  CanvasMapper(CourseCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Maps one event or an array of events.
   *
   * @throws EnvelopeException when the document is neither
   */
  List<MappedEvent> map(JsonNode document) {
    if (document == null || !(document.isObject() || document.isArray())) {
      throw new EnvelopeException(
          "not_an_object", "a Canvas live event is a JSON object (or an array of them)");
    }
    if (document.isObject()) {
      if (!document.has("metadata") && !document.has("body")) {
        throw new EnvelopeException(
            "missing_field", "a Canvas live event has 'metadata' and 'body'");
      }
      return List.of(mapOne(0, document, Map.of()));
    }
    if (document.isEmpty()) {
      throw new EnvelopeException("empty", "the array holds no event");
    }
    List<MappedEvent> out = new ArrayList<>(document.size());
    // Assignments created earlier in this request: the catalog learns them only once they are
    // appended (IngestServer), but a submission later in the same batch may need their course.
    Map<String, String> assignments = new HashMap<>();
    for (int i = 0; i < document.size(); i++) {
      MappedEvent m = mapOne(i, document.get(i), assignments);
      MappedEvent.eachAssignmentCreated(List.of(m), assignments::put);
      out.add(m);
    }
    return out;
  }

  private MappedEvent mapOne(int index, JsonNode event, Map<String, String> assignments) {
    if (!event.isObject()) {
      return new MappedEvent.Rejected(
          index, null, RejectReason.NOT_AN_OBJECT, "event " + index + " is not an object", event);
    }
    String id = null;
    try {
      JsonNode metadata = event.get("metadata");
      JsonNode body = event.get("body");
      if (metadata == null || !metadata.isObject()) {
        throw new Fields.Refused(RejectReason.MISSING_FIELD, "metadata");
      }
      if (body == null || !body.isObject()) {
        throw new Fields.Refused(RejectReason.MISSING_FIELD, "body");
      }
      id = Fields.text(metadata, "event_id");
      if (id == null) {
        id = derivedId(event);
      }
      String name = Fields.requireText(metadata, "event_name", "metadata.event_name");
      Instant time = Fields.requireInstant(metadata, "event_time", "metadata.event_time");
      LmsEvent mapped = mapEvent(name, id, time, metadata, body, assignments);
      if (mapped == null) {
        return new MappedEvent.Ignored(index, id, ignoredWhy(name, body));
      }
      return new MappedEvent.Accepted(index, id, List.of(Fields.validated(mapped)));
    } catch (Fields.Refused e) {
      return new MappedEvent.Rejected(index, id, e.reason, e.getMessage(), event);
    }
  }

  private LmsEvent mapEvent(
      String name, String id, Instant time, JsonNode metadata, JsonNode body,
      Map<String, String> assignments) {
    int v = LmsEvent.SCHEMA_VERSION;
    switch (name) {
      case "logged_in":
        return new LoggedIn(
            id, v, time, Fields.requireText(metadata, "user_id", "metadata.user_id"), null,
            Fields.text(metadata, "user_agent"));
      case "logged_out":
        return new LoggedOut(id, v, time, Fields.requireText(metadata, "user_id", "metadata.user_id"));
      case "enrollment_created":
        {
          String course = Fields.requireText(body, "course_id", "body.course_id");
          CourseCatalog.CourseDates dates = dates(course);
          Instant created = Fields.instant(body, "created_at", "body.created_at");
          return new EnrollmentCreated(
              id, v, created != null ? created : time,
              Fields.requireText(body, "user_id", "body.user_id"),
              course,
              role(Fields.text(body, "type")),
              Fields.text(body, "user_name"),
              null,
              dates.start(),
              dates.end());
        }
      case "enrollment_updated":
        {
          String state = Fields.requireText(body, "workflow_state", "body.workflow_state");
          if (!DROPPED_STATES.contains(state)) {
            return null;
          }
          Instant updated = Fields.instant(body, "updated_at", "body.updated_at");
          return new EnrollmentDropped(
              id, v, updated != null ? updated : time,
              Fields.requireText(body, "user_id", "body.user_id"),
              Fields.requireText(body, "course_id", "body.course_id"),
              state);
        }
      case "assignment_created":
        {
          String assignment = Fields.requireText(body, "assignment_id", "body.assignment_id");
          String course = courseContext(body);
          if (course == null) {
            course = courseContext(metadata);
          }
          if (course == null) {
            throw new Fields.Refused(RejectReason.MISSING_FIELD, "body.context_id (Course)");
          }
          Instant due = Fields.requireInstant(body, "due_at", "body.due_at");
          JsonNode points = body.get("points_possible");
          if (points != null && !points.isNull()
              && !(points.isNumber() && Double.isFinite(points.asDouble()) && points.asDouble() >= 0)) {
            throw new Fields.Refused(
                RejectReason.WRONG_TYPE, "body.points_possible must be a number >= 0");
          }
          return new AssignmentCreated(
              id, v, time, course, assignment, due,
              points == null || points.isNull() ? 0.0 : points.asDouble());
        }
      case "submission_created":
        {
          String assignment = Fields.requireText(body, "assignment_id", "body.assignment_id");
          String course = courseContext(metadata);
          if (course == null) {
            course = assignments.get(assignment);
          }
          if (course == null) {
            course = catalog.courseOfAssignment(assignment);
          }
          if (course == null) {
            throw new Fields.Refused(
                RejectReason.UNKNOWN_COURSE,
                "no course context and no assignment_created seen for body.assignment_id");
          }
          JsonNode late = body.get("late");
          if (late != null && !late.isNull() && !late.isBoolean()) {
            throw new Fields.Refused(RejectReason.WRONG_TYPE, "body.late");
          }
          Instant submitted = Fields.instant(body, "submitted_at", "body.submitted_at");
          return new SubmissionCreated(
              id, v, submitted != null ? submitted : time,
              Fields.requireText(body, "user_id", "body.user_id"),
              course, assignment, late != null && late.asBoolean(),
              Fields.number(body, "score", "body.score"));
        }
      case "asset_accessed":
        {
          String course = courseContext(metadata);
          if (course == null) {
            return null;
          }
          return new AssetAccessed(
              id, v, time, Fields.requireText(metadata, "user_id", "metadata.user_id"), course,
              assetKind(Fields.text(body, "asset_type"), Fields.text(body, "asset_subtype")));
        }
      default:
        return null;
    }
  }

  private CourseCatalog.CourseDates dates(String course) {
    return catalog
        .datesOf(course)
        .orElseThrow(
            () ->
                new Fields.Refused(
                    RejectReason.UNKNOWN_COURSE,
                    "no course dates for body.course_id: add it to --course-dates"));
  }

  private static String ignoredWhy(String name, JsonNode body) {
    switch (name) {
      case "enrollment_updated":
        return "enrollment_updated to workflow_state '" + body.path("workflow_state").asText()
            + "' does not end the enrolment";
      case "asset_accessed":
        return "asset_accessed outside a course";
      default:
        return "event_name '" + Fields.abbreviate(name) + "' is not used";
    }
  }

  /** The course id when the node's context is a course ({@code context_type: Course}). */
  private static String courseContext(JsonNode node) {
    if (!"Course".equals(Fields.text(node, "context_type"))) {
      return null;
    }
    return Fields.text(node, "context_id");
  }

  /**
   * {@code StudentEnrollment} -> {@code student}, {@code TaEnrollment} -> {@code ta}, ...; the
   * course's fake "Test Student" of Canvas's student view ({@code StudentViewEnrollment}) ->
   * {@code test_user}, which no rule tracks and no page counts as a student.
   */
  static String role(String enrollmentType) {
    if (enrollmentType == null) {
      return null;
    }
    if (enrollmentType.equals("StudentViewEnrollment")) {
      return "test_user";
    }
    String s = enrollmentType.endsWith("Enrollment")
        ? enrollmentType.substring(0, enrollmentType.length() - "Enrollment".length())
        : enrollmentType;
    return s.toLowerCase(Locale.ROOT);
  }

  /** Canvas {@code asset_type} / {@code asset_subtype} to the schema's open assetKind vocabulary. */
  static String assetKind(String type, String subtype) {
    String t = subtype != null ? subtype : type;
    if (t == null) {
      return "other";
    }
    switch (t) {
      case "wiki_page":
      case "wiki":
      case "pages":
      case "syllabus":
      case "home":
      case "modules":
      case "context_module":
      case "assignment":
      case "assignments":
        return "page";
      case "attachment":
      case "files":
        return "file";
      case "media_object":
      case "media":
        return "video";
      case "quizzes:quiz":
      case "quiz":
      case "quizzes":
        return "quiz";
      case "discussion_topic":
      case "topics":
      case "discussion_topics":
        return "discussion";
      default:
        return "other";
    }
  }

  /**
   * Canvas's Canvas-format events carry no event id of their own in every deployment: the id is
   * then a digest of the event with sorted keys, so a redelivery of the same event gets the same
   * id.
   */
  static String derivedId(JsonNode event) {
    try {
      Object tree = CANONICAL.treeToValue(event, Object.class);
      byte[] canonical = CANONICAL.writeValueAsBytes(tree);
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical);
      return DERIVED_ID_PREFIX + HexFormat.of().formatHex(digest, 0, 16);
    } catch (JsonProcessingException | NoSuchAlgorithmException e) {
      throw new IllegalStateException("cannot digest a parsed event", e);
    }
  }
}
