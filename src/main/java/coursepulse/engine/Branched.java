package coursepulse.engine;

import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Names a branch of {@link KStream#split()} and says what to do with it: nothing (the branch is
 * returned in the map of {@link BranchedKStream#defaultBranch}/{@link
 * BranchedKStream#noDefaultBranch}), a {@link Consumer}, or a {@link Function} whose result is put
 * in that map. Immutable.
 *
 * @param <K> key type
 * @param <V> value type
 */
public final class Branched<K, V> {

  private final String name;
  private final Function<? super KStream<K, V>, ? extends KStream<K, V>> chain;
  private final boolean returnsStream;

  private Branched(
      String name, Function<? super KStream<K, V>, ? extends KStream<K, V>> chain, boolean returns) {
    this.name = name;
    this.chain = chain;
    this.returnsStream = returns;
  }

  /** A branch named {@code name}: its map key is the split's prefix followed by it. */
  public static <K, V> Branched<K, V> as(String name) {
    return new Branched<>(Objects.requireNonNull(name, "name"), null, true);
  }

  /** A branch handed to {@code consumer}; it is not put in the returned map. */
  public static <K, V> Branched<K, V> withConsumer(Consumer<? super KStream<K, V>> consumer) {
    Objects.requireNonNull(consumer, "consumer");
    return new Branched<>(
        null,
        s -> {
          consumer.accept(s);
          return null;
        },
        false);
  }

  /** A branch transformed by {@code function}; the result (if not null) goes in the map. */
  public static <K, V> Branched<K, V> withFunction(
      Function<? super KStream<K, V>, ? extends KStream<K, V>> function) {
    return new Branched<>(null, Objects.requireNonNull(function, "function"), true);
  }

  /** A copy with the given name. */
  public Branched<K, V> withName(String name) {
    return new Branched<>(Objects.requireNonNull(name, "name"), chain, returnsStream);
  }

  /** The branch name, or {@code null} for its position. */
  public String name() {
    return name;
  }

  /**
   * Applies the consumer or function to the branch stream.
   *
   * @return the stream to put in the map, or {@code null} for none
   */
  public KStream<K, V> apply(KStream<K, V> branch) {
    if (chain == null) {
      return branch;
    }
    KStream<K, V> result = chain.apply(branch);
    return returnsStream ? result : null;
  }
}
