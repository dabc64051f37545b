package coursepulse.engine.internal.dsl;

import coursepulse.engine.Aggregator;
import coursepulse.engine.Initializer;
import coursepulse.engine.KeyValue;
import coursepulse.engine.Merger;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.SessionStore;
import coursepulse.engine.SessionWindows;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.Window;
import coursepulse.engine.Windowed;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Aggregates a grouped stream per session (Kafka's {@code KStreamSessionWindowAggregate}): a
 * record finds its key's sessions within the gap, merges them into one, and is dropped when even
 * the merged session ended before {@code observedStreamTime - grace - gap}. Merged sessions are
 * removed and emitted as deletions (timestamp = their end) before the new session (timestamp =
 * its end).
 */
final class SessionWindowAggregateProcessor<K, V, VA>
    implements Processor<K, V, Windowed<K>, Change<VA>> {

  private final String storeName;
  private final SessionWindows windows;
  private final Initializer<VA> initializer;
  private final Aggregator<? super K, ? super V, VA> aggregator;
  private final Merger<? super K, VA> merger;
  private final DroppedRecords dropped;
  private ProcessorContext<Windowed<K>, Change<VA>> context;
  private SessionStore<K, VA> store;
  private long observedStreamTime = Long.MIN_VALUE;

  SessionWindowAggregateProcessor(
      String processorName,
      String storeName,
      SessionWindows windows,
      Initializer<VA> initializer,
      Aggregator<? super K, ? super V, VA> aggregator,
      Merger<? super K, VA> merger) {
    this.storeName = storeName;
    this.windows = windows;
    this.initializer = initializer;
    this.aggregator = aggregator;
    this.merger = merger;
    this.dropped = new DroppedRecords(processorName);
  }

  @Override
  public void init(ProcessorContext<Windowed<K>, Change<VA>> context) {
    this.context = context;
    dropped.bind(context);
    this.store = context.getStateStore(storeName);
  }

  @Override
  public void process(StreamRecord<K, V> record) {
    K key = record.key();
    if (key == null) {
      dropped.nullKeyOrValue();
      return;
    }
    long timestamp = record.timestamp();
    observedStreamTime = Math.max(observedStreamTime, timestamp);
    long closeTime = observedStreamTime - windows.gracePeriodMs() - windows.inactivityGapMs();

    Window fresh = new Window(timestamp, timestamp);
    Window merged = fresh;
    VA agg = initializer.apply();
    List<KeyValue<Windowed<K>, VA>> overlapping = new ArrayList<>();
    Iterator<KeyValue<Windowed<K>, VA>> it =
        store.findSessions(
            key, timestamp - windows.inactivityGapMs(), timestamp + windows.inactivityGapMs());
    while (it.hasNext()) {
      KeyValue<Windowed<K>, VA> session = it.next();
      overlapping.add(session);
      agg = merger.apply(key, agg, session.value());
      Window w = session.key().window();
      merged =
          new Window(Math.min(merged.startMs(), w.startMs()), Math.max(merged.endMs(), w.endMs()));
    }

    if (merged.endMs() < closeTime) {
      dropped.expiredWindow(timestamp, closeTime, "[" + merged.startMs() + "," + merged.endMs() + "]");
      return;
    }
    if (!merged.equals(fresh)) {
      for (KeyValue<Windowed<K>, VA> session : overlapping) {
        store.remove(session.key());
        context.forward(
            new StreamRecord<>(
                session.key(), new Change<VA>(null, session.value()), session.key().window().endMs()));
      }
    }
    agg = aggregator.apply(key, record.value(), agg);
    Windowed<K> sessionKey = new Windowed<>(key, merged);
    store.put(sessionKey, agg);
    context.forward(new StreamRecord<>(sessionKey, new Change<VA>(agg, null), merged.endMs()));
  }
}
