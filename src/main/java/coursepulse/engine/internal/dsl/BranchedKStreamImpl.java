package coursepulse.engine.internal.dsl;

import coursepulse.engine.Branched;
import coursepulse.engine.BranchedKStream;
import coursepulse.engine.KStream;
import coursepulse.engine.Predicate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Adds one branch processor, then one pass-through child per branch. The branch processor's
 * predicate and child lists are shared with this object and filled as branches are added.
 */
final class BranchedKStreamImpl<K, V> implements BranchedKStream<K, V> {

  private final KStreamImpl<K, V> source;
  private final String prefix;
  private final String branchNode;
  private final List<Predicate<? super K, ? super V>> predicates = new ArrayList<>();
  private final List<String> children = new ArrayList<>();
  private final String[] defaultChild = new String[1];
  private final Map<String, KStream<K, V>> result = new LinkedHashMap<>();
  private boolean ended;

  BranchedKStreamImpl(KStreamImpl<K, V> source, String prefix) {
    this.source = source;
    this.prefix = prefix;
    InternalStreamsBuilder builder = source.builder;
    this.branchNode =
        builder.addProcessor(
            builder.newName("KSTREAM-BRANCH-"),
            () -> new StatelessProcessors.Branch<K, V>(predicates, children, defaultChild),
            source.nodeName);
  }

  @Override
  public BranchedKStream<K, V> branch(Predicate<? super K, ? super V> predicate) {
    return branch(predicate, Branched.withFunction(s -> s));
  }

  @Override
  public BranchedKStream<K, V> branch(
      Predicate<? super K, ? super V> predicate, Branched<K, V> branched) {
    checkOpen();
    Objects.requireNonNull(predicate, "predicate");
    Objects.requireNonNull(branched, "branched");
    predicates.add(predicate);
    children.add(addBranch(branched, String.valueOf(predicates.size())));
    return this;
  }

  private String addBranch(Branched<K, V> branched, String position) {
    InternalStreamsBuilder builder = source.builder;
    String node =
        builder.addProcessor(
            builder.newName("KSTREAM-BRANCHCHILD-"),
            () -> new StatelessProcessors.PassThrough<K, V>(),
            branchNode);
    KStream<K, V> stream = new KStreamImpl<>(builder, node, source.keySerde, source.valueSerde);
    KStream<K, V> out = branched.apply(stream);
    if (out != null) {
      String name = prefix + (branched.name() != null ? branched.name() : position);
      result.put(name, out);
    }
    return node;
  }

  @Override
  public Map<String, KStream<K, V>> defaultBranch() {
    return defaultBranch(Branched.withFunction(s -> s));
  }

  @Override
  public Map<String, KStream<K, V>> defaultBranch(Branched<K, V> branched) {
    checkOpen();
    Objects.requireNonNull(branched, "branched");
    defaultChild[0] = addBranch(branched, "0");
    ended = true;
    return result;
  }

  @Override
  public Map<String, KStream<K, V>> noDefaultBranch() {
    checkOpen();
    ended = true;
    return result;
  }

  private void checkOpen() {
    if (ended) {
      throw new IllegalStateException("this split already has its default branch or none");
    }
  }
}
