package coursepulse.engine.log;

/** The named stream does not exist; the message says how to create it. */
public final class StreamNotFoundException extends LogException {
  private static final long serialVersionUID = 1L;

  private final String stream;

  public StreamNotFoundException(String stream) {
    super(
        "stream '"
            + stream
            + "' does not exist: create the product's streams with 'coursepulse streams --create'");
    this.stream = stream;
  }

  /**
   * The named stream does not exist or is not of the kind needed.
   *
   * @param stream the stream's name
   * @param message one line for the user, saying how to create what is missing
   */
  public StreamNotFoundException(String stream, String message) {
    super(message);
    this.stream = stream;
  }

  public String stream() {
    return stream;
  }
}
