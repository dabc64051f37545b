package coursepulse.engine.internal.dsl;

import coursepulse.engine.ForeachAction;
import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueMapper;
import coursepulse.engine.Predicate;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.ValueMapperWithKey;
import java.util.List;

/** The processors of stateless KStream operations. */
final class StatelessProcessors {

  private StatelessProcessors() {}

  /** Base that keeps the context. */
  abstract static class Base<KIn, VIn, KOut, VOut> implements Processor<KIn, VIn, KOut, VOut> {
    ProcessorContext<KOut, VOut> context;

    @Override
    public void init(ProcessorContext<KOut, VOut> context) {
      this.context = context;
    }
  }

  static final class Filter<K, V> extends Base<K, V, K, V> {
    private final Predicate<? super K, ? super V> predicate;
    private final boolean keepMatching;

    Filter(Predicate<? super K, ? super V> predicate, boolean keepMatching) {
      this.predicate = predicate;
      this.keepMatching = keepMatching;
    }

    @Override
    public void process(StreamRecord<K, V> record) {
      if (predicate.test(record.key(), record.value()) == keepMatching) {
        context.forward(record);
      }
    }
  }

  static final class Map<K, V, KR, VR> extends Base<K, V, KR, VR> {
    private final KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper;

    Map(KeyValueMapper<? super K, ? super V, ? extends KeyValue<? extends KR, ? extends VR>> mapper) {
      this.mapper = mapper;
    }

    @Override
    public void process(StreamRecord<K, V> record) {
      KeyValue<? extends KR, ? extends VR> kv = mapper.apply(record.key(), record.value());
      if (kv == null) {
        throw new NullPointerException("map's mapper returned null for a record; return a KeyValue");
      }
      context.forward(new StreamRecord<KR, VR>(kv.key(), kv.value(), record.timestamp()));
    }
  }

  static final class MapValues<K, V, VR> extends Base<K, V, K, VR> {
    private final ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper;

    MapValues(ValueMapperWithKey<? super K, ? super V, ? extends VR> mapper) {
      this.mapper = mapper;
    }

    @Override
    public void process(StreamRecord<K, V> record) {
      context.forward(record.<VR>withValue(mapper.apply(record.key(), record.value())));
    }
  }

  static final class FlatMap<K, V, KR, VR> extends Base<K, V, KR, VR> {
    private final KeyValueMapper<
            ? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>>
        mapper;

    FlatMap(
        KeyValueMapper<
                ? super K, ? super V, ? extends Iterable<? extends KeyValue<? extends KR, ? extends VR>>>
            mapper) {
      this.mapper = mapper;
    }

    @Override
    public void process(StreamRecord<K, V> record) {
      for (KeyValue<? extends KR, ? extends VR> kv : mapper.apply(record.key(), record.value())) {
        context.forward(new StreamRecord<KR, VR>(kv.key(), kv.value(), record.timestamp()));
      }
    }
  }

  static final class FlatMapValues<K, V, VR> extends Base<K, V, K, VR> {
    private final ValueMapperWithKey<? super K, ? super V, ? extends Iterable<? extends VR>> mapper;

    FlatMapValues(ValueMapperWithKey<? super K, ? super V, ? extends Iterable<? extends VR>> mapper) {
      this.mapper = mapper;
    }

    @Override
    public void process(StreamRecord<K, V> record) {
      for (VR value : mapper.apply(record.key(), record.value())) {
        context.forward(record.<VR>withValue(value));
      }
    }
  }

  /** Runs an action; forwards the record unless terminal ({@code foreach}). */
  static final class Peek<K, V> extends Base<K, V, K, V> {
    private final ForeachAction<? super K, ? super V> action;
    private final boolean forward;

    Peek(ForeachAction<? super K, ? super V> action, boolean forward) {
      this.action = action;
      this.forward = forward;
    }

    @Override
    public void process(StreamRecord<K, V> record) {
      action.apply(record.key(), record.value());
      if (forward) {
        context.forward(record);
      }
    }
  }

  static final class PassThrough<K, V> extends Base<K, V, K, V> {
    @Override
    public void process(StreamRecord<K, V> record) {
      context.forward(record);
    }
  }

  /** Turns a table's changes into a stream of its new values. */
  static final class ToStream<K, V> extends Base<K, Change<V>, K, V> {
    @Override
    public void process(StreamRecord<K, Change<V>> record) {
      context.forward(record.withValue(record.value().newValue()));
    }
  }

  /**
   * Sends each record to the child of the first matching predicate, else the default child. The
   * lists are filled while the DSL is being built, before any processor exists.
   */
  static final class Branch<K, V> extends Base<K, V, K, V> {
    private final List<Predicate<? super K, ? super V>> predicates;
    private final List<String> children;
    private final String[] defaultChild;

    Branch(List<Predicate<? super K, ? super V>> predicates, List<String> children, String[] defaultChild) {
      this.predicates = predicates;
      this.children = children;
      this.defaultChild = defaultChild;
    }

    @Override
    public void process(StreamRecord<K, V> record) {
      for (int i = 0; i < predicates.size(); i++) {
        if (predicates.get(i).test(record.key(), record.value())) {
          context.forward(record, children.get(i));
          return;
        }
      }
      if (defaultChild[0] != null) {
        context.forward(record, defaultChild[0]);
      }
    }
  }
}
