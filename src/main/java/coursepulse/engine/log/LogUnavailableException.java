package coursepulse.engine.log;

/**
 * The log cannot be reached or refused the connection (network, authentication, missing plugin);
 * the message says which and what to check.
 */
public final class LogUnavailableException extends LogException {
  private static final long serialVersionUID = 1L;

  public LogUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
