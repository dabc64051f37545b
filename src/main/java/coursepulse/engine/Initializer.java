package coursepulse.engine;

/**
 * Gives the initial aggregate of a new key or window, for {@code aggregate} operations.
 *
 * @param <VA> aggregate type
 */
@FunctionalInterface
public interface Initializer<VA> {

  /** A fresh initial aggregate; called once per new key or window. */
  VA apply();
}
