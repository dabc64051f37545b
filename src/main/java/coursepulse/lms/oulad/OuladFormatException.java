package coursepulse.lms.oulad;

/** A table of the dataset that cannot be read as OULAD: the message names the file and line. */
public final class OuladFormatException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  OuladFormatException(String message) {
    super(message);
  }

  OuladFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
