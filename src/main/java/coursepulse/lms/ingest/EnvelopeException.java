package coursepulse.lms.ingest;

/**
 * A request body that cannot be read as an envelope of its source at all: answered with 400 and
 * {@code {"error": code, "detail": ...}}, nothing appended.
 */
final class EnvelopeException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;

  EnvelopeException(String code, String detail) {
    super(detail);
    this.code = code;
  }

  /** Bounded machine-readable reason: not_json, not_an_object, missing_field, ... */
  String code() {
    return code;
  }
}
