package coursepulse.lms.ingest;

/** Where a source event came from: the value of the {@code source} tag and dead-letter field. */
public enum Source {
  /** IMS Caliper 1.1 / 1.2 envelopes, from any Caliper sensor (Canvas, Moodle, D2L, Blackboard). */
  CALIPER("caliper"),
  /** Canvas Live Events in Canvas format ({@code metadata} + {@code body}). */
  CANVAS("canvas");

  private final String code;

  Source(String code) {
    this.code = code;
  }

  /** Lower-case name used in URLs, metrics and dead letters. */
  public String code() {
    return code;
  }
}
