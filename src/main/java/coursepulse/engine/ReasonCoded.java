package coursepulse.engine;

/**
 * Implemented by exceptions that a source's serde (or key or timestamp extractor) throws to give a
 * machine-readable reason for refusing a record. The engine writes {@link #reasonCode()} as the
 * {@code reason} of the dead-letter record (the exception's message goes to its {@code detail}),
 * and a {@link DeserializationExceptionHandler} may use it as a bounded meter tag.
 *
 * <p>Codes are short lowercase words with underscores ({@code not_json}, {@code too_large}), from
 * a small fixed set, and never carry values taken from the record.
 */
public interface ReasonCoded {

  /** Why the record was refused: a bounded, stable, lowercase code. */
  String reasonCode();

  /** The code for any exception: its {@link #reasonCode()}, else {@value #UNREADABLE}. */
  static String codeOf(Throwable e) {
    return e instanceof ReasonCoded coded ? coded.reasonCode() : UNREADABLE;
  }

  /** The reason of records refused by an exception that carries no code. */
  String UNREADABLE = "unreadable";
}
