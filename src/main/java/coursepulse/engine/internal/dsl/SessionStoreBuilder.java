package coursepulse.engine.internal.dsl;

import coursepulse.engine.Serde;
import coursepulse.engine.SessionStore;
import coursepulse.engine.StoreBuilder;

/** Builds {@link InMemorySessionStore}s. */
record SessionStoreBuilder<K, V>(String name, long retentionMs, Serde<K> keySerde, Serde<V> valueSerde)
    implements StoreBuilder<SessionStore<K, V>> {

  @Override
  public SessionStore<K, V> build() {
    return new InMemorySessionStore<>(name, retentionMs, keySerde, valueSerde);
  }
}
