package coursepulse.engine.log;

/**
 * A log operation failed. The message is meant for the user: it says what went wrong and, where
 * possible, what to do about it, and never contains credentials.
 */
public class LogException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LogException(String message) {
    super(message);
  }

  public LogException(String message, Throwable cause) {
    super(message, cause);
  }
}
