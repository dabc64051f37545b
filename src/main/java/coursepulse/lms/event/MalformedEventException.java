package coursepulse.lms.event;

/** Bytes that are not a valid event of this schema; {@link #reason()} is machine-readable. */
public final class MalformedEventException extends RuntimeException
    implements coursepulse.engine.ReasonCoded {
  private static final long serialVersionUID = 1L;

  /** Why an event was refused; {@link #code()} is the value used in metrics and dead letters. */
  public enum Reason {
    EMPTY("empty"),
    TOO_LARGE("too_large"),
    NOT_JSON("not_json"),
    UNKNOWN_TYPE("unknown_type"),
    UNSUPPORTED_SCHEMA_VERSION("unsupported_schema_version"),
    MISSING_FIELD("missing_field"),
    WRONG_TYPE("wrong_type"),
    BAD_TIMESTAMP("bad_timestamp"),
    /** A valid event read from a stream that does not carry its type. */
    WRONG_STREAM("wrong_stream");

    private final String code;

    Reason(String code) {
      this.code = code;
    }

    public String code() {
      return code;
    }
  }

  private final Reason reason;

  public MalformedEventException(Reason reason, String detail) {
    super(reason.code() + ": " + detail);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }

  /** {@link Reason#code()}: the dead-letter record's and meter's {@code reason}. */
  @Override
  public String reasonCode() {
    return reason.code();
  }
}
