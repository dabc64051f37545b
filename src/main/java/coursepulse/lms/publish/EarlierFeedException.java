package coursepulse.lms.publish;

/**
 * A feed would append events older than the newest event an input stream already holds; the
 * message says which stream, both times, and what to do instead.
 */
public final class EarlierFeedException extends IllegalStateException {
  EarlierFeedException(String message) {
    super(message);
  }
}
