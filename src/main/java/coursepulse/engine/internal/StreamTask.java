package coursepulse.engine.internal;

import coursepulse.engine.Cancellable;
import coursepulse.engine.DeserializationExceptionHandler;
import coursepulse.engine.Processor;
import coursepulse.engine.PunctuationType;
import coursepulse.engine.Punctuator;
import coursepulse.engine.RecordMetadata;
import coursepulse.engine.StateStore;
import coursepulse.engine.StreamRecord;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The single task that runs a topology: one queue per source, a timestamp-ordered merge across
 * them, stream time, depth-first forwarding, state stores and punctuation. Single-threaded: every
 * method runs on the thread that owns the task, as do processors and punctuators.
 *
 * <p>Records are deserialized when they enter their queue, because ordering needs their event
 * time (by their reader's thread when it decoded them on arrival, see {@link #decoder}); unreadable
 * ones go to the dead-letter collector right there, in offset order. {@link #process()} takes the
 * record with the smallest timestamp among the queue heads; ties go to the source added first.
 * Whether to process while some queue is empty ({@code maxTaskIdle}) is the caller's decision.
 */
public final class StreamTask {

  /** Dead-letter reason of a record held back by the stream-time guard and found an outlier. */
  public static final String EVENT_TIME_AHEAD = "event-time-ahead";

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(StreamTask.class);

  private final String applicationId;
  private final LongSupplier wallClock;
  private final RecordCollector collector;
  private final DeserializationExceptionHandler deserializationHandler;
  private final TaskMetrics metrics;
  private final SourceRuntime[] sources;
  private final Map<String, Integer> sourceIndex = new HashMap<>();
  private final Map<String, StateStore> stores = new LinkedHashMap<>();
  private final List<CheckpointableStore> timeAwareStores = new ArrayList<>();
  private final List<ProcessorRuntime> processors = new ArrayList<>();
  private final PunctuationQueue streamTimeSchedules = new PunctuationQueue();
  private final PunctuationQueue wallClockSchedules = new PunctuationQueue();
  private long streamTime = -1;
  private long lastEventTime = -1;
  private long lastLogTime = -1;
  private StreamTimeGuard<Arrival> timeGuard;
  // Where the records taken are recorded (see ProcessingOrder), or null.
  private ProcessingOrder recordedOrder;
  // Where the task stands in the order it takes records in before merging freely again (a rebuilt
  // task follows what its predecessor took live), or null.
  private ProcessingOrder.Cursor followed;
  private RecordMetadata currentMetadata;
  private String currentNode;
  private boolean initialized;
  private boolean closed;

  /**
   * Builds processors and stores for {@code graph}; call {@link #init()} before processing.
   *
   * @param wallClock the engine clock, in epoch milliseconds
   */
  public StreamTask(
      TopologyGraph graph,
      String applicationId,
      LongSupplier wallClock,
      RecordCollector collector,
      DeserializationExceptionHandler deserializationHandler,
      TaskMetrics metrics) {
    this.applicationId = applicationId;
    this.wallClock = wallClock;
    this.collector = collector;
    this.deserializationHandler = deserializationHandler;
    this.metrics = metrics;

    for (TopologyGraph.StoreDef def : graph.stores()) {
      StateStore store = Objects.requireNonNull(def.builder().build(), "store builder returned null");
      if (!store.name().equals(def.builder().name())) {
        throw new IllegalStateException(
            "store builder '" + def.builder().name() + "' built a store named '" + store.name()
                + "'");
      }
      stores.put(store.name(), store);
      if (store instanceof CheckpointableStore cs) {
        timeAwareStores.add(cs);
      }
    }

    Map<String, Node> nodes = new HashMap<>();
    for (TopologyGraph.Sink s : graph.sinks()) {
      nodes.put(s.name(), new SinkRuntime(s));
    }
    // Children come after parents in addition order, so build processors from the last one back.
    List<TopologyGraph.ProcessorDef> defs = new ArrayList<>(graph.processors());
    Collections.reverse(defs);
    for (TopologyGraph.ProcessorDef def : defs) {
      Processor<Object, Object, Object, Object> p = def.supplier().get();
      if (p == null) {
        throw new IllegalStateException("supplier of processor '" + def.name() + "' returned null");
      }
      ProcessorRuntime pr = new ProcessorRuntime(def, p, children(def.children(), nodes));
      nodes.put(def.name(), pr);
      processors.add(pr);
    }
    Collections.reverse(processors);
    sources = new SourceRuntime[graph.sources().size()];
    for (int i = 0; i < sources.length; i++) {
      TopologyGraph.Source s = graph.sources().get(i);
      sources[i] = new SourceRuntime(i, s, children(s.children(), nodes));
      sourceIndex.put(s.stream(), i);
    }
  }

  private static List<Node> children(List<String> names, Map<String, Node> nodes) {
    List<Node> out = new ArrayList<>(names.size());
    for (String n : names) {
      out.add(Objects.requireNonNull(nodes.get(n), n));
    }
    return out;
  }

  /**
   * Holds back records whose event time is more than {@code maxAhead} ahead of the largest event
   * time admitted from their own source (or of the restored stream time), and dead-letters them
   * when the source's next record shows they were outliers (see {@link StreamTimeGuard}); before
   * the first record. Without it every readable record is queued.
   */
  public void guardStreamTime(Duration maxAhead) {
    timeGuard = new StreamTimeGuard<>(maxAhead.toMillis(), sources.length, new GuardOutcome());
    if (streamTime >= 0) {
      timeGuard.floor(streamTime);
    }
  }

  /** Records in {@code order} how this task takes its records from here on. */
  void recordOrder(ProcessingOrder order) {
    recordedOrder = order;
  }

  /**
   * Takes the next records in this order ({@link ProcessingOrder#following}) before merging
   * freely again: a task rebuilt or restarted after a failure re-derives the outputs its
   * predecessor wrote since the checkpoint only by taking the records as it did.
   */
  void followOrder(ProcessingOrder.Cursor order) {
    followed = order;
    if (followed != null && followed.largestSource() >= sources.length) {
      // files left by a topology of more sources under the same state directory
      LOG.warn(
          "ignoring a processing order that names source {} of {}", followed.largestSource(),
          sources.length);
      abandonOrder();
    }
  }

  /**
   * While the task follows an order ({@link #followOrder}), the source whose record must go next,
   * or {@link ProcessingOrder#MERGED} when the smallest of every source's next record must (all
   * of them buffered); else -1.
   */
  int orderedSource() {
    return followed == null ? -1 : followed.kind();
  }

  /**
   * Stops following the order: a record it needs cannot come (say the stream-time guard now holds
   * back or dead-letters a record the live run processed). What follows is merged freely.
   *
   * @return how many records of the order were left
   */
  int abandonOrder() {
    int left = followed == null ? 0 : followed.recordsLeft();
    followed = null;
    if (recordedOrder != null) {
      recordedOrder.clear(); // it held the whole order, which is no longer what the task takes
    }
    return left;
  }

  /**
   * Whether source {@code i} has a record to take next, queued or held back by the stream-time
   * guard. A held record is never the one the merge needs while it is held: it follows its
   * source's queued records; once they are taken, the merge waits ({@link TaskInputs#mayProcess})
   * until the source's next record decides it or the source is at its end, and at the end it is
   * released ({@link #sourceAtEnd}) as soon as it is within the guard's limit of a record admitted
   * from any source. So whenever a record is processed while a source's queue is empty and it
   * holds one, the held record is more than the limit ahead of everything queued, and the
   * smallest next record is the same whether it is held or not: for {@link ProcessingOrder}, the
   * task took "the smallest of every source's next record".
   */
  boolean hasNext(int i) {
    return !sources[i].queue.isEmpty() || (timeGuard != null && timeGuard.held(i) != null);
  }

  /**
   * Source {@code i}'s reader is known to be at the end of its log (its queue is empty): a record
   * the stream-time guard holds for it may now be released once the other sources have caught up
   * with it, instead of waiting for a next record that may never come (see {@link
   * StreamTimeGuard#atEnd}).
   */
  void sourceAtEnd(int i) {
    if (timeGuard != null && timeGuard.held(i) != null) {
      timeGuard.atEnd(i);
    }
  }

  /** Calls every processor's {@code init}, parents first. */
  public void init() {
    if (initialized) {
      return;
    }
    initialized = true;
    for (ProcessorRuntime p : processors) {
      String prev = currentNode;
      currentNode = p.name;
      try {
        p.processor.init(p.context);
      } finally {
        currentNode = prev;
      }
    }
  }

  /** The index of the source reading {@code stream}, or -1. */
  public int sourceIndex(String stream) {
    Integer i = sourceIndex.get(stream);
    return i == null ? -1 : i;
  }

  /** Number of sources. */
  public int sourceCount() {
    return sources.length;
  }

  /** The stream of source {@code i}. */
  public String sourceStream(int i) {
    return sources[i].def.stream();
  }

  /**
   * Reads a log message into its source's queue, or dead-letters it when unreadable.
   *
   * @return true when queued, false when dead-lettered
   * @throws DeserializationFailedException when the handler answers FAIL
   */
  public boolean addRecord(int source, long offset, long logTimestamp, byte[] body) {
    return addRecord(source, offset, logTimestamp, body, null);
  }

  /**
   * The same, for a message its reader may have decoded already.
   *
   * @param decoded what {@link #decoder(int)} made of {@code body} on the reader's thread, or
   *     null (anything else): the body is decoded here
   */
  public boolean addRecord(
      int source, long offset, long logTimestamp, byte[] body, Object decoded) {
    SourceRuntime src = sources[source];
    src.lastAddedOffset = offset;
    SourceDecoder.Decoded d =
        decoded instanceof SourceDecoder.Decoded given
            ? given
            : src.decoder.decode(body, logTimestamp);
    if (d.failure() != null) {
      RuntimeException e = d.failure();
      RecordMetadata origin = new RecordMetadata(src.def.stream(), offset);
      String reason = DeadLetter.reason(e);
      collector.sendDeadLetter(
          src.def.stream(), offset, DeadLetter.encode(src.def.stream(), offset, e, body),
          logTimestamp);
      metrics.deadLettered(source);
      DeserializationExceptionHandler.Response r =
          deserializationHandler.handle(origin, body, e);
      if (r == DeserializationExceptionHandler.Response.FAIL) {
        throw new DeserializationFailedException(
            "record at " + src.def.stream() + "@" + offset + " is unreadable (" + reason
                + ") and the deserialization handler chose FAIL",
            e);
      }
      return false;
    }
    Queued q = new Queued(offset, d.key(), d.value(), d.timestamp(), logTimestamp);
    if (timeGuard == null) {
      src.queue.add(q);
    } else {
      timeGuard.offer(source, new Arrival(q, body), d.timestamp());
    }
    return true;
  }

  /**
   * The decoder of source {@code i}, for a reader to run on its own thread; its results are
   * accepted by {@link #addRecord(int, long, long, byte[], Object)}.
   */
  java.util.function.Function<coursepulse.engine.log.LogMessage, Object> decoder(int i) {
    SourceDecoder decoder = sources[i].decoder;
    return m -> decoder.decode(m.body(), m.timestamp());
  }

  /** Records buffered for source {@code i}. */
  public int buffered(int i) {
    return sources[i].queue.size();
  }

  /** Whether every source has a buffered record. */
  public boolean allBuffered() {
    for (SourceRuntime s : sources) {
      if (s.queue.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Whether any source has a buffered record. */
  public boolean anyBuffered() {
    for (SourceRuntime s : sources) {
      if (!s.queue.isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The offset from which source {@code i} must be re-read to reproduce the task's state: the
   * oldest buffered record's, else one past the last one read; -1 when nothing was read.
   */
  public long nextOffset(int i) {
    SourceRuntime s = sources[i];
    if (!s.queue.isEmpty()) {
      return s.queue.peek().offset;
    }
    Arrival held = timeGuard == null ? null : timeGuard.held(i);
    if (held != null) {
      return held.record.offset;
    }
    return s.lastAddedOffset < 0 ? -1 : s.lastAddedOffset + 1;
  }

  /** Forgets buffered records of every source (before re-reading from {@link #nextOffset}). */
  public void setReadPosition(int i, long nextOffset) {
    sources[i].queue.clear();
    sources[i].lastAddedOffset = nextOffset - 1;
    if (timeGuard != null) {
      timeGuard.clear(i);
    }
  }

  /**
   * Processes the buffered record with the smallest timestamp (ties: lowest source index) through
   * the topology, then fires due stream-time punctuators. While the task follows an order ({@link
   * #followOrder}) the record is the one of the source it names.
   *
   * @return false when nothing was buffered (or the source the order names has nothing)
   */
  public boolean process() {
    int ordered = orderedSource();
    int next = -1;
    long best = Long.MAX_VALUE;
    boolean all = true;
    for (int i = 0; i < sources.length; i++) {
      Queued head = sources[i].queue.peek();
      if (head == null) {
        // A held record counts as present: here it is later than everything queued (see hasNext).
        all &= timeGuard != null && timeGuard.held(i) != null;
      } else if (next < 0 || head.timestamp < best) {
        next = i;
        best = head.timestamp;
      }
    }
    if (ordered >= 0) {
      boolean missing =
          ordered == ProcessingOrder.MERGED ? !all || next < 0 : sources[ordered].queue.isEmpty();
      if (missing) {
        return false; // a record the order needs has not arrived yet
      }
      next = ordered == ProcessingOrder.MERGED ? next : ordered;
      if (!followed.advance()) {
        followed = null;
      }
    }
    if (next < 0) {
      return false;
    }
    if (recordedOrder != null && ordered < 0) {
      // (an order followed is in the record already)
      recordedOrder.taking(all ? ProcessingOrder.MERGED : next);
    }
    SourceRuntime src = sources[next];
    Queued r = src.queue.poll();
    if (r.timestamp > streamTime) {
      streamTime = r.timestamp;
      for (CheckpointableStore s : timeAwareStores) {
        s.observeStreamTime(streamTime);
      }
    }
    currentMetadata = new RecordMetadata(src.def.stream(), r.offset);
    try {
      StreamRecord<Object, Object> rec = new StreamRecord<>(r.key, r.value, r.timestamp);
      for (Node child : src.children) {
        child.process(rec);
      }
    } finally {
      currentMetadata = null;
    }
    // Timings are taken per batch by the caller (see lastProcessedEventTime): two timers per
    // record cost more than some processors.
    metrics.processed(next);
    lastEventTime = r.timestamp;
    lastLogTime = r.logTimestamp;
    maybePunctuateStreamTime();
    return true;
  }

  /** The event time of the record {@link #process()} processed last, -1 before any. */
  public long lastProcessedEventTime() {
    return lastEventTime;
  }

  /** When the log appended the record {@link #process()} processed last, -1 before any. */
  public long lastProcessedLogTime() {
    return lastLogTime;
  }

  /** Fires stream-time punctuators due at the current stream time. */
  public int maybePunctuateStreamTime() {
    if (streamTime < 0) {
      return 0;
    }
    int n = streamTimeSchedules.mayPunctuate(streamTime, this::punctuate);
    metrics.punctuated(PunctuationType.STREAM_TIME, n);
    return n;
  }

  /** Fires wall-clock punctuators due at {@code nowMs}. */
  public int maybePunctuateWallClock(long nowMs) {
    int n = wallClockSchedules.mayPunctuate(nowMs, this::punctuate);
    metrics.punctuated(PunctuationType.WALL_CLOCK_TIME, n);
    return n;
  }

  /** When the next wall-clock punctuation is due, or {@link Long#MAX_VALUE}. */
  public long nextWallClockPunctuationMs() {
    return wallClockSchedules.nextDueMs();
  }

  private void punctuate(PunctuationQueue.Schedule s, long timestamp) {
    String prev = currentNode;
    currentNode = s.nodeName();
    try {
      s.punctuator().punctuate(timestamp);
    } finally {
      currentNode = prev;
    }
  }

  /** Stream time: the largest event time processed, -1 before any. */
  public long streamTime() {
    return streamTime;
  }

  /** Restores stream time from a checkpoint; before {@link #init()}. */
  public void restoreStreamTime(long t) {
    streamTime = t;
    if (timeGuard != null) {
      timeGuard.floor(t);
    }
  }

  /** Stream-time schedules as (id, next fire time), for checkpoints. */
  public Map<String, Long> streamTimeSchedule() {
    Map<String, Long> out = new LinkedHashMap<>();
    for (PunctuationQueue.Schedule s : streamTimeSchedules.schedules()) {
      out.put(s.id(), s.nextMs());
    }
    return out;
  }

  /**
   * Applies a checkpointed stream-time schedule after {@link #init()} re-created the schedules;
   * schedules not found (the topology changed) keep their fresh start.
   */
  public void restoreStreamTimeSchedule(Map<String, Long> nextById) {
    for (PunctuationQueue.Schedule s : streamTimeSchedules.schedules()) {
      Long next = nextById.get(s.id());
      if (next != null) {
        streamTimeSchedules.restoreNext(s, next);
      }
    }
  }

  /** Every store by name, in topology order. */
  public Map<String, StateStore> stores() {
    return Collections.unmodifiableMap(stores);
  }

  /** The node whose code runs now, for error messages. */
  public String currentNode() {
    return currentNode;
  }

  /** Closes every processor, parents first; stores stay readable. */
  public void close() {
    if (closed || !initialized) {
      closed = true;
      return;
    }
    closed = true;
    RuntimeException first = null;
    for (ProcessorRuntime p : processors) {
      try {
        p.processor.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** The handler answered FAIL for an unreadable record. */
  public static final class DeserializationFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DeserializationFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * A record waiting to be processed: {@code timestamp} is its event time, {@code logTimestamp}
   * the time the log appended it (for the append-delay metric).
   */
  private record Queued(long offset, Object key, Object value, long timestamp, long logTimestamp) {}

  /** A readable record with what a dead letter needs, while the stream-time guard decides. */
  private record Arrival(Queued record, byte[] body) {}

  private static String hours(long ms) {
    return String.format(java.util.Locale.ROOT, "%.1f h", ms / 3_600_000.0);
  }

  private final class GuardOutcome implements StreamTimeGuard.Outcome<Arrival> {
    @Override
    public void admit(int source, Arrival a) {
      sources[source].queue.add(a.record);
    }

    @Override
    public void reject(int source, Arrival a, long eventTime, long referenceTime, long limitMs) {
      String stream = sources[source].def.stream();
      String detail =
          "event time " + java.time.Instant.ofEpochMilli(eventTime) + " is "
              + hours(eventTime - referenceTime) + " ahead of "
              + java.time.Instant.ofEpochMilli(referenceTime)
              + ", the latest event time admitted from the stream or restored (limit "
              + hours(limitMs) + "), and the next record of the stream is not";
      collector.sendDeadLetter(
          stream, a.record.offset,
          DeadLetter.encode(stream, a.record.offset, EVENT_TIME_AHEAD, detail, a.body),
          a.record.logTimestamp);
      metrics.deadLettered(source);
      metrics.eventTimeAhead(source);
      LOG.warn(
          "record {}@{} dead-lettered to {}: {}", stream, a.record.offset,
          collector.deadLetterDestination(applicationId), detail);
    }
  }

  private static final class SourceRuntime {
    final int index;
    final TopologyGraph.Source def;
    final List<Node> children;
    final SourceDecoder decoder;
    final ArrayDeque<Queued> queue = new ArrayDeque<>();
    long lastAddedOffset = -1;

    SourceRuntime(int index, TopologyGraph.Source def, List<Node> children) {
      this.index = index;
      this.def = def;
      this.decoder = new SourceDecoder(def);
      this.children = children;
    }
  }

  private abstract static class Node {
    abstract void process(StreamRecord<Object, Object> record);
  }

  private final class SinkRuntime extends Node {
    final TopologyGraph.Sink def;

    SinkRuntime(TopologyGraph.Sink def) {
      this.def = def;
    }

    @Override
    void process(StreamRecord<Object, Object> record) {
      // A log message has no "delete" form: a null value (a table tombstone) is not written.
      if (record.value() == null) {
        return;
      }
      collector.send(
          def.stream(), record.key(), def.valueSerde().serialize(record.value()),
          record.timestamp());
    }
  }

  private final class ProcessorRuntime extends Node {
    final String name;
    final Processor<Object, Object, Object, Object> processor;
    final List<Node> children;
    final Map<String, Node> childByName = new HashMap<>();
    final Set<String> storeNames;
    final Context context;

    ProcessorRuntime(
        TopologyGraph.ProcessorDef def,
        Processor<Object, Object, Object, Object> processor,
        List<Node> children) {
      this.name = def.name();
      this.processor = processor;
      this.children = children;
      for (int i = 0; i < children.size(); i++) {
        childByName.put(def.children().get(i), children.get(i));
      }
      this.storeNames = Set.copyOf(def.stores());
      this.context = new Context(this);
    }

    @Override
    void process(StreamRecord<Object, Object> record) {
      String prev = currentNode;
      currentNode = name;
      try {
        processor.process(record);
      } finally {
        currentNode = prev;
      }
    }
  }

  private final class Context implements InternalProcessorContext<Object, Object> {
    private final ProcessorRuntime node;
    private int streamSchedules;
    private int wallSchedules;

    Context(ProcessorRuntime node) {
      this.node = node;
    }

    @Override
    public String applicationId() {
      return applicationId;
    }

    @Override
    public <K, V> void forward(StreamRecord<K, V> record) {
      @SuppressWarnings("unchecked")
      StreamRecord<Object, Object> r = (StreamRecord<Object, Object>) record;
      Objects.requireNonNull(r, "record");
      List<Node> children = node.children;
      for (int i = 0, n = children.size(); i < n; i++) {
        children.get(i).process(r);
      }
    }

    @Override
    public <K, V> void forward(StreamRecord<K, V> record, String childName) {
      Node child = node.childByName.get(childName);
      if (child == null) {
        throw new IllegalArgumentException(
            "processor '" + node.name + "' has no child '" + childName + "' (children: "
                + node.childByName.keySet() + ")");
      }
      @SuppressWarnings("unchecked")
      StreamRecord<Object, Object> r = (StreamRecord<Object, Object>) record;
      child.process(Objects.requireNonNull(r, "record"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <S extends coursepulse.engine.StateStore> S getStateStore(String name) {
      if (!node.storeNames.contains(name)) {
        throw new IllegalArgumentException(
            "processor '" + node.name + "' is not connected to store '" + name
                + "' (connected: " + node.storeNames
                + "); connect it with Topology.addStateStore or connectProcessorAndStateStores");
      }
      return (S) stores.get(name);
    }

    @Override
    public Cancellable schedule(Duration interval, PunctuationType type, Punctuator punctuator) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(punctuator, "punctuator");
      long ms = interval.toMillis();
      if (ms < 1) {
        throw new IllegalArgumentException(
            "punctuation interval of processor '" + node.name + "' must be at least 1 ms, was "
                + interval);
      }
      if (type == PunctuationType.STREAM_TIME) {
        // Aligned to epoch 0, as Kafka Streams does: the first record fires it, then every
        // multiple of the interval that stream time reaches.
        return streamTimeSchedules.schedule(
            node.name, node.name + "/stream/" + streamSchedules++, ms, punctuator, 0L);
      }
      return wallClockSchedules.schedule(
          node.name, node.name + "/wall/" + wallSchedules++, ms, punctuator,
          wallClock.getAsLong() + ms);
    }

    @Override
    public long currentStreamTimeMs() {
      return streamTime;
    }

    @Override
    public long currentSystemTimeMs() {
      return wallClock.getAsLong();
    }

    @Override
    public Optional<RecordMetadata> recordMetadata() {
      return Optional.ofNullable(currentMetadata);
    }

    @Override
    public String currentNodeName() {
      return node.name;
    }

    @Override
    public void recordDropped(String reason) {
      metrics.dropped(reason);
    }
  }
}
