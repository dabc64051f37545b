package coursepulse.lms.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import coursepulse.lms.event.AssetAccessed;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.EnrollmentCreated;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.LoggedIn;
import coursepulse.lms.event.LoggedOut;
import coursepulse.lms.event.SubmissionCreated;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Maps IMS Caliper 1.1 / 1.2 envelopes to schema v1: the one place that knows Caliper field names
 * (the table in {@code docs/ingest.md} mirrors this class). Thread-safe.
 */
final class CaliperMapper {

  static final Set<String> DATA_VERSIONS =
      Set.of(
          "http://purl.imsglobal.org/ctx/caliper/v1p1",
          "http://purl.imsglobal.org/ctx/caliper/v1p2");

  /** Prefix of the event ids of enrolments implied by a learner membership. */
  static final String MEMBERSHIP_ID_PREFIX = "caliper-membership:";

  private final CourseCatalog catalog;

  CaliperMapper(CourseCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Maps every item of {@code data}.
   *
   * @throws EnvelopeException when the document is not a Caliper envelope of a supported version
   */
  List<MappedEvent> map(JsonNode envelope) {
    if (envelope == null || !envelope.isObject()) {
      throw new EnvelopeException("not_an_object", "a Caliper envelope is a JSON object");
    }
    for (String field : List.of("sensor", "sendTime", "dataVersion")) {
      JsonNode v = envelope.get(field);
      if (v == null || !v.isTextual() || v.asText().isBlank()) {
        throw new EnvelopeException("missing_field", "envelope field '" + field + "' is required");
      }
    }
    try {
      Fields.requireInstant(envelope, "sendTime", "sendTime");
    } catch (Fields.Refused e) {
      throw new EnvelopeException("bad_timestamp", "sendTime is not an ISO-8601 time");
    }
    String version = envelope.get("dataVersion").asText();
    if (!DATA_VERSIONS.contains(version)) {
      throw new EnvelopeException(
          "unsupported_version",
          "dataVersion '" + Fields.abbreviate(version) + "': this endpoint reads " + DATA_VERSIONS);
    }
    JsonNode data = envelope.get("data");
    if (data == null || !data.isArray()) {
      throw new EnvelopeException("missing_field", "envelope field 'data' must be an array");
    }
    if (data.isEmpty()) {
      throw new EnvelopeException("empty", "envelope 'data' holds no event");
    }
    List<MappedEvent> out = new ArrayList<>(data.size());
    for (int i = 0; i < data.size(); i++) {
      out.add(mapOne(i, data.get(i)));
    }
    return out;
  }

  private MappedEvent mapOne(int index, JsonNode event) {
    if (!event.isObject()) {
      return new MappedEvent.Rejected(
          index, null, RejectReason.NOT_AN_OBJECT, "data[" + index + "] is not an object", event);
    }
    String id = null;
    try {
      id = Fields.text(event, "id");
      if (!event.has("action") && !event.has("eventTime")) {
        // Caliper lets a sensor describe entities in the same envelope; they are not events.
        return new MappedEvent.Ignored(index, id, "entity, not an event");
      }
      if (id == null) {
        throw new Fields.Refused(RejectReason.MISSING_FIELD, "id");
      }
      String type = Fields.requireText(event, "type", "type");
      String action = localName(Fields.requireText(event, "action", "action"));
      Instant time = Fields.requireInstant(event, "eventTime", "eventTime");
      String actor = Fields.entityId(event, "actor");
      if (actor == null) {
        throw new Fields.Refused(RejectReason.MISSING_FIELD, "actor.id");
      }
      String course = Fields.entityId(event, "group");
      LmsEvent mapped = mapEvent(localName(type), action, id, time, actor, course, event);
      if (mapped == null) {
        return new MappedEvent.Ignored(index, id, localName(type) + " " + action + " is not used");
      }
      List<LmsEvent> events = new ArrayList<>(2);
      LmsEvent enrolment = impliedEnrolment(event, actor, time);
      if (enrolment != null) {
        // Before the activity: the alerting application tracks a student from the enrolment on.
        events.add(enrolment);
      }
      events.add(Fields.validated(mapped));
      return new MappedEvent.Accepted(index, id, events);
    } catch (Fields.Refused e) {
      return new MappedEvent.Rejected(index, id, e.reason, e.getMessage(), event);
    }
  }

  /** The product event for a Caliper type and action, or null when the product does not use it. */
  private LmsEvent mapEvent(
      String type, String action, String id, Instant time, String actor, String course,
      JsonNode event) {
    JsonNode object = event.get("object");
    switch (type + " " + action) {
      case "SessionEvent LoggedIn":
        return new LoggedIn(id, LmsEvent.SCHEMA_VERSION, time, actor, null, userAgent(event));
      case "SessionEvent LoggedOut":
        return new LoggedOut(id, LmsEvent.SCHEMA_VERSION, time, actor);
      case "AssignableEvent Submitted":
      case "AssessmentEvent Submitted":
        {
          String assignment = requireObjectId(event);
          Instant due = Fields.instant(object, "dateToSubmit", "object.dateToSubmit");
          boolean late = due != null && time.isAfter(due);
          return new SubmissionCreated(
              id, LmsEvent.SCHEMA_VERSION, time, actor, requireCourse(course), assignment, late,
              score(event.get("generated")));
        }
      case "GradeEvent Graded":
        {
          // The actor is the grader; the student is the attempt's assignee. The submission is
          // dated when the attempt ended, so a grade given later does not move it.
          String student = Fields.entityId(object, "assignee");
          String assignment = Fields.entityId(object, "assignable");
          if (student == null || assignment == null) {
            throw new Fields.Refused(
                RejectReason.MISSING_FIELD, "object.assignee and object.assignable (the Attempt)");
          }
          Instant ended = Fields.instant(object, "endedAtTime", "object.endedAtTime");
          Instant submitted = ended != null ? ended : time;
          JsonNode assignable = object.get("assignable");
          Instant due =
              assignable.isObject() ? Fields.instant(assignable, "dateToSubmit", "object.assignable.dateToSubmit") : null;
          return new SubmissionCreated(
              id, LmsEvent.SCHEMA_VERSION, submitted, student, requireCourse(course), assignment,
              due != null && submitted.isAfter(due), score(event.get("generated")));
        }
      case "AssignableEvent Activated":
        {
          String assignment = requireObjectId(event);
          Instant due = Fields.instant(object, "dateToSubmit", "object.dateToSubmit");
          if (due == null) {
            // Without a due time no deadline rule can use the assignment.
            return null;
          }
          double points = object.path("maxScore").isNumber() ? object.get("maxScore").asDouble() : 0.0;
          return new AssignmentCreated(
              id, LmsEvent.SCHEMA_VERSION, time, requireCourse(course), assignment, due, points);
        }
      case "NavigationEvent NavigatedTo":
      case "ViewEvent Viewed":
        if (course == null) {
          // Dashboards, profile pages: activity outside any course is not course activity.
          return null;
        }
        requireObjectId(event);
        return new AssetAccessed(
            id, LmsEvent.SCHEMA_VERSION, time, actor, course, assetKind(Fields.text(object, "type")));
      case "ToolUseEvent Used":
        if (course == null) {
          return null;
        }
        return new AssetAccessed(id, LmsEvent.SCHEMA_VERSION, time, actor, course, "tool");
      default:
        return null;
    }
  }

  /**
   * The grade of an auto-graded submission: {@code generated} is a {@code Score} (its {@code
   * scoreGiven}), or an {@code Attempt} whose own {@code generated} is one; null otherwise.
   */
  private static Double score(JsonNode generated) {
    if (isScore(generated)) {
      return Fields.number(generated, "scoreGiven", "generated.scoreGiven");
    }
    if (generated != null && isScore(generated.get("generated"))) {
      return Fields.number(generated.get("generated"), "scoreGiven", "generated.generated.scoreGiven");
    }
    return null;
  }

  private static boolean isScore(JsonNode entity) {
    String type = entity != null && entity.isObject() ? Fields.text(entity, "type") : null;
    return type != null && localName(type).equals("Score");
  }

  /**
   * Caliper has no enrolment event; its events carry the actor's {@code membership} in the {@code
   * group}. An active learner membership implies the enrolment, with an id derived from the
   * membership so that every later event implies the same (deduplicated) enrolment.
   */
  private EnrollmentCreated impliedEnrolment(JsonNode event, String actor, Instant time) {
    JsonNode m = event.get("membership");
    if (m == null || !m.isObject()) {
      return null;
    }
    String member = Fields.entityId(m, "member");
    String organization = Fields.entityId(m, "organization");
    if (member == null || organization == null || !member.equals(actor)) {
      return null;
    }
    String status = Fields.text(m, "status");
    if (status != null && !"Active".equals(localName(status))) {
      return null;
    }
    JsonNode roles = m.get("roles");
    boolean learner = false;
    if (roles != null && roles.isArray()) {
      for (JsonNode r : roles) {
        // "Learner" or a sub-role such as "Learner#Member"; as an IRI of the LIS vocabulary,
        // ".../membership#Learner" or, a sub-role, ".../membership/Learner#Member".
        String role = r.isTextual() ? r.asText().substring(r.asText().lastIndexOf('/') + 1) : "";
        if (role.startsWith("membership#")) {
          role = role.substring("membership#".length());
        }
        if (role.startsWith("Learner")) {
          learner = true;
        }
      }
    }
    if (!learner) {
      return null;
    }
    CourseCatalog.CourseDates dates =
        catalog
            .datesOf(organization)
            .orElseThrow(
                () ->
                    new Fields.Refused(
                        RejectReason.UNKNOWN_COURSE,
                        "no course dates for membership.organization: add it to --course-dates"));
    Instant since = Fields.instant(m, "dateCreated", "membership.dateCreated");
    String key = member + "\n" + organization;
    String eventId =
        MEMBERSHIP_ID_PREFIX
            + UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8));
    return (EnrollmentCreated)
        Fields.validated(
            new EnrollmentCreated(
                eventId,
                LmsEvent.SCHEMA_VERSION,
                since != null && since.isBefore(time) ? since : time,
                member,
                organization,
                "student",
                null,
                null,
                dates.start(),
                dates.end()));
  }

  private static String requireObjectId(JsonNode event) {
    String id = Fields.entityId(event, "object");
    if (id == null) {
      throw new Fields.Refused(RejectReason.MISSING_FIELD, "object.id");
    }
    return id;
  }

  private static String requireCourse(String course) {
    if (course == null) {
      throw new Fields.Refused(RejectReason.MISSING_FIELD, "group.id");
    }
    return course;
  }

  /** Caliper 1.2 puts the browser on {@code session.client}; 1.1 sensors often on the session. */
  private static String userAgent(JsonNode event) {
    JsonNode session = event.get("session");
    if (session == null || !session.isObject()) {
      return null;
    }
    JsonNode client = session.get("client");
    if (client != null && client.isObject() && client.path("userAgent").isTextual()) {
      return client.get("userAgent").asText();
    }
    return session.path("userAgent").isTextual() ? session.get("userAgent").asText() : null;
  }

  /** Caliper entity type to the schema's open {@code assetKind} vocabulary. */
  static String assetKind(String objectType) {
    if (objectType == null) {
      return "other";
    }
    switch (localName(objectType)) {
      case "WebPage":
      case "Page":
      case "Chapter":
      case "Frame":
        return "page";
      case "Document":
      case "DigitalResource":
      case "DigitalResourceCollection":
      case "ImageObject":
        return "file";
      case "VideoObject":
      case "AudioObject":
      case "MediaObject":
        return "video";
      case "Assessment":
      case "AssessmentItem":
      case "Questionnaire":
        return "quiz";
      case "Forum":
      case "Thread":
      case "Message":
        return "discussion";
      default:
        return "other";
    }
  }

  /** Caliper 1.0 style full IRIs ({@code .../action#LoggedIn}) to their local name. */
  static String localName(String term) {
    int hash = term.lastIndexOf('#');
    String s = hash >= 0 ? term.substring(hash + 1) : term;
    int slash = s.lastIndexOf('/');
    return (slash >= 0 ? s.substring(slash + 1) : s).strip();
  }
}
