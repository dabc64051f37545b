package coursepulse.engine;

/**
 * A key scoped to a window, as produced by windowed aggregations and window stores.
 *
 * @param key the record key
 * @param window the window
 */
public record Windowed<K>(K key, Window window) {}
