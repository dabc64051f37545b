package coursepulse.engine;

/** Handle of a scheduled punctuator. */
@FunctionalInterface
public interface Cancellable {
  void cancel();
}
