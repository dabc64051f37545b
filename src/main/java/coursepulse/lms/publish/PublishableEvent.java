package coursepulse.lms.publish;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The current event of an {@link EventSource}: possibly a reused view, valid until the source's
 * next call. Everything the publisher needs to route, pace, deduplicate and write it.
 */
public interface PublishableEvent {

  /** 0 for 01-Enrollment, 1 for 02-Login, 2 for 03-Activity (the order of {@code StreamNames.INPUTS}). */
  int streamIndex();

  /** 0-based position in its stream for this feed; the publishing id. */
  long sequence();

  /** Event time in epoch seconds (pacing and progress). */
  long epochSecond();

  /** The student the event is about (the partition key), or null for an event of a whole course. */
  String studentId();

  /** The event's JSON bytes, as {@code EventCodec.encode} writes them. */
  byte[] toJson();

  /** Writes the JSON and a newline. */
  default void writeLine(OutputStream out) throws IOException {
    out.write(toJson());
    out.write('\n');
  }
}
