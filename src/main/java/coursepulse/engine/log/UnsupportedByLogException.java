package coursepulse.engine.log;

/** The log (for example an older RabbitMQ) lacks a feature; the message names what is needed. */
public final class UnsupportedByLogException extends LogException {
  private static final long serialVersionUID = 1L;

  public UnsupportedByLogException(String message) {
    super(message);
  }
}
