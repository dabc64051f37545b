package coursepulse.engine;

/**
 * Makes a state store for a task. {@link #build} returns a fresh, empty store on every call. The
 * stores made by {@link Stores} are checkpointed by the engine; a custom store that is not is lost
 * on restart.
 *
 * @param <S> store type
 */
public interface StoreBuilder<S extends StateStore> {

  /** The name of the stores this builder makes, unique in a topology. */
  String name();

  /** A new, empty store. */
  S build();
}
