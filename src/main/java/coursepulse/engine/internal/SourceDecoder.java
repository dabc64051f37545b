package coursepulse.engine.internal;

/**
 * Turns the body of one source's log message into what its queue needs: the value (the source's
 * serde), its key and its event time (the source's extractors). Thread-safe as long as the serde
 * and extractors are (the engine's contract for them): a reader may run it on its client thread
 * ({@link coursepulse.engine.log.LogReader#decodeOnArrival}) so that the task thread only merges
 * and processes.
 */
final class SourceDecoder {

  private final TopologyGraph.Source def;

  SourceDecoder(TopologyGraph.Source def) {
    this.def = def;
  }

  /** Decodes {@code body}; never throws: a failure is returned for the task to dead-letter. */
  Decoded decode(byte[] body, long logTimestamp) {
    try {
      Object value = def.valueSerde().deserialize(body);
      if (value == null) {
        throw new IllegalArgumentException("serde returned null");
      }
      Object key = def.keyExtractor().apply(value);
      long ts = def.timestampExtractor().extract(value, logTimestamp);
      if (ts < 0) {
        throw new IllegalArgumentException("invalid (negative) event time " + ts);
      }
      return new Decoded(key, value, ts, null);
    } catch (RuntimeException e) {
      return new Decoded(null, null, -1, e);
    }
  }

  /**
   * A decoded record, or why it could not be decoded.
   *
   * @param failure null when readable; else what the serde or an extractor threw
   */
  record Decoded(Object key, Object value, long timestamp, RuntimeException failure) {}
}
