package coursepulse.engine;

import java.util.Map;

/**
 * The branches of {@link KStream#split()}: add branches with predicates, then end with {@link
 * #defaultBranch} or {@link #noDefaultBranch}. Each record goes to the first branch whose
 * predicate it satisfies, else to the default branch, else nowhere.
 *
 * <p>Branch names in the returned map are the split's prefix followed by the {@link Branched}
 * name, or by the branch's position counted from 1; the default branch's position is 0.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface BranchedKStream<K, V> {

  /** Adds a branch for the records satisfying {@code predicate}. */
  BranchedKStream<K, V> branch(Predicate<? super K, ? super V> predicate);

  /** Adds a named or chained branch for the records satisfying {@code predicate}. */
  BranchedKStream<K, V> branch(Predicate<? super K, ? super V> predicate, Branched<K, V> branched);

  /** Ends the split with a branch for the remaining records; returns the branches by name. */
  Map<String, KStream<K, V>> defaultBranch();

  /** As {@link #defaultBranch()}, named or chained per {@code branched}. */
  Map<String, KStream<K, V>> defaultBranch(Branched<K, V> branched);

  /** Ends the split, dropping the remaining records; returns the branches by name. */
  Map<String, KStream<K, V>> noDefaultBranch();
}
