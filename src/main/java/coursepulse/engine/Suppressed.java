package coursepulse.engine;

/**
 * How {@link KTable#suppress} holds back a windowed table's updates. The one supported policy is
 * {@link #untilWindowCloses}: emit exactly one final result per window, when stream time closes
 * it. Immutable.
 *
 * <pre>{@code
 * counts.suppress(Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded()))
 * }</pre>
 *
 * @param <K> key type of the table, a {@link Windowed} key
 */
public final class Suppressed<K> {

  private final String name;
  private final BufferConfig bufferConfig;

  private Suppressed(String name, BufferConfig bufferConfig) {
    this.name = name;
    this.bufferConfig = bufferConfig;
  }

  /**
   * Holds every update of a window until stream time reaches {@code window end + grace} (for
   * sessions: {@code end + gap + grace}), then emits its last value with the timestamp of that
   * update; windows are emitted in order of their end time, then of their serialized key.
   */
  public static <K extends Windowed<?>> Suppressed<K> untilWindowCloses(BufferConfig bufferConfig) {
    return new Suppressed<>(null, java.util.Objects.requireNonNull(bufferConfig, "bufferConfig"));
  }

  /** A copy with the given processor name. */
  public Suppressed<K> withName(String name) {
    return new Suppressed<>(name, bufferConfig);
  }

  /** The processor name, or {@code null} for a generated one. */
  public String name() {
    return name;
  }

  /** The buffer configuration. */
  public BufferConfig bufferConfig() {
    return bufferConfig;
  }

  /**
   * Bounds of the suppression buffer. Only {@link #unbounded()} exists: the buffer holds one entry
   * per open window and key, in memory.
   */
  public static final class BufferConfig {
    private static final BufferConfig UNBOUNDED = new BufferConfig();

    private BufferConfig() {}

    /** No bound: memory grows with the number of open windows times keys. */
    public static BufferConfig unbounded() {
      return UNBOUNDED;
    }
  }
}
