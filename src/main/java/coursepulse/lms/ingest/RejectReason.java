package coursepulse.lms.ingest;

import coursepulse.lms.event.MalformedEventException;

/**
 * Why one source event was refused; {@link #code()} is the bounded value used in responses,
 * metrics and dead letters.
 */
public enum RejectReason {
  /** The event is not a JSON object. */
  NOT_AN_OBJECT("not_an_object"),
  /** A field the mapping needs is absent, null or blank. */
  MISSING_FIELD("missing_field"),
  /** A field has the wrong JSON type. */
  WRONG_TYPE("wrong_type"),
  /** A time field is not ISO-8601 or out of the schema's range. */
  BAD_TIMESTAMP("bad_timestamp"),
  /**
   * The event is dated too far ahead of the server's clock; the whole request is refused with 400
   * (not dead-lettered) so the sender fixes its clock.
   */
  EVENT_TIME_AHEAD("event_time_ahead"),
  /** The course of the event is unknown: no course dates configured, or an unseen assignment. */
  UNKNOWN_COURSE("unknown_course"),
  /** The mapped event failed the schema's validation for another reason. */
  INVALID_EVENT("invalid_event");

  private final String code;

  RejectReason(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** The ingest reason for a schema validation failure of a mapped event. */
  static RejectReason of(MalformedEventException.Reason reason) {
    switch (reason) {
      case MISSING_FIELD:
        return MISSING_FIELD;
      case WRONG_TYPE:
        return WRONG_TYPE;
      case BAD_TIMESTAMP:
        return BAD_TIMESTAMP;
      default:
        return INVALID_EVENT;
    }
  }
}
