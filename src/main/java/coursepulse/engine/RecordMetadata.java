package coursepulse.engine;

/**
 * Origin of the record being processed.
 *
 * @param stream the source stream
 * @param offset its offset in that stream
 */
public record RecordMetadata(String stream, long offset) {}
