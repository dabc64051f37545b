package coursepulse.engine;

/** Local state owned by one task, checkpointed by the engine. */
public interface StateStore {
  /** The store's name, unique in a topology. */
  String name();

  /** Number of entries, for metrics; may be approximate. */
  long approximateNumEntries();
}
