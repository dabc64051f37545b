package coursepulse.lms.publish;

/**
 * One pass over a feed's events in a deterministic global order that is event-time order within
 * each stream, with each event's {@link PublishableEvent#sequence()} its position in its stream.
 * Not thread-safe.
 */
public interface EventSource {

  /** The next event, or null at the end; the returned view may be overwritten by the next call. */
  PublishableEvent next();
}
