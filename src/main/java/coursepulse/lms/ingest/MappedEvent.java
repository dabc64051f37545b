package coursepulse.lms.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import coursepulse.lms.event.AssignmentCreated;
import coursepulse.lms.event.LmsEvent;
import java.util.List;
import java.util.function.BiConsumer;

/** What one source event became: product events, nothing (out of scope), or a refusal. */
sealed interface MappedEvent {

  /** Position of the source event in its request (0-based). */
  int index();

  /** The source's event id, or {@code null} when it had none. */
  String sourceId();

  /**
   * Mapped to one or more product events (a Caliper event with a learner membership also yields
   * the enrolment it implies).
   */
  record Accepted(int index, String sourceId, List<LmsEvent> events) implements MappedEvent {
    public Accepted {
      events = List.copyOf(events);
    }
  }

  /**
   * Gives each assignment these events created with its course, as (assignment, course): a later
   * submission that names no course finds it this way.
   */
  static void eachAssignmentCreated(
      List<MappedEvent> mapped, BiConsumer<String, String> assignmentInCourse) {
    for (MappedEvent m : mapped) {
      if (m instanceof Accepted a) {
        for (LmsEvent e : a.events()) {
          if (e instanceof AssignmentCreated created) {
            assignmentInCourse.accept(created.assignmentId(), created.courseId());
          }
        }
      }
    }
  }

  /** A valid source event the product does not use (another event type or action). */
  record Ignored(int index, String sourceId, String why) implements MappedEvent {}

  /** Refused; the raw event is dead-lettered with the reason. */
  record Rejected(int index, String sourceId, RejectReason reason, String detail, JsonNode raw)
      implements MappedEvent {}
}
