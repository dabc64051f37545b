package coursepulse.lms.risk;

import coursepulse.engine.Consumed;
import coursepulse.engine.DeserializationExceptionHandler;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.Produced;
import coursepulse.engine.ReasonCoded;
import coursepulse.engine.Serde;
import coursepulse.engine.Serdes;
import coursepulse.engine.Stores;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.ProcessorSupplier;
import coursepulse.engine.Topology;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.LmsEvent;
import coursepulse.lms.event.StreamNames;
import java.time.Duration;
import java.util.Objects;
import coursepulse.lms.risk.model.RiskModel;
import java.util.function.Consumer;

/**
 * Builds the alerting application: the three LMS streams, merged in event-time order, through the
 * {@link RiskProcessor} (roster, state, rules, timers), split into alerts for {@code 04-Alerts} and
 * dead letters for the refused-event stream. The CLI and the tests build the same graph.
 *
 * <pre>{@code
 * Topology topology = RiskTopology.build(
 *     RiskTopology.Options.forApplication("risk")
 *         .withRules(RulesConfig.fromYaml(Path.of("rules.yaml")))
 *         .withMetrics(new RiskMetrics(registry, false))
 *         .withAlertListener(alert -> System.out.println(AlertFormatter.line(alert))));
 * }</pre>
 */
public final class RiskTopology {

  private RiskTopology() {}

  /** The store with one entry per tracked student-course (its enrolment). */
  public static final String ENROLLMENTS_STORE = RiskProcessor.ENROLLMENTS;

  /**
   * The application's key-value stores, all checkpointed by the engine; its timers are in a timer
   * queue besides ({@link RiskProcessor#TIMERS}).
   */
  public static final java.util.List<String> STORES =
      java.util.List.of(
          RiskProcessor.STUDENTS,
          RiskProcessor.ENROLLMENTS,
          RiskProcessor.COURSES,
          RiskProcessor.FORMER_TIMERS,
          RiskProcessor.META,
          RiskProcessor.EVENT_IDS,
          FormerRosterLayout.ENROLLMENTS,
          FormerRosterLayout.MEMBERS,
          FormerRosterLayout.SIGNALS,
          CourseSignals.COHORTS,
          CourseSignals.GRADES,
          AssignmentWeights.STORE,
          CourseSignals.CLASS_DAYS);

  /**
   * How to build the application. Immutable; the {@code with*} methods return copies.
   *
   * @param rules rule thresholds; default {@link RulesConfig#DEFAULTS}
   * @param metrics meters; default {@link RiskMetrics#none()}
   * @param alertListener called with every alert as it is emitted (terminal output); default none
   * @param deadLetterStream where refused events go; {@code null} counts them only
   * @param punctuationInterval how often (in stream time) due timers are drained; default 1 hour
   * @param model the risk model; default {@link RiskModel#builtIn()}
   * @param riskStream where risk scores go; default {@code null} (none): the application
   *     ({@link AlertingApp}) sends them to {@code 05-Risk}, replays and benchmarks leave it out
   * @param heapStores whether the key-value stores keep state objects on the heap (default {@code
   *     true}: no serialization per access) or serialized ({@code false}: the reference the heap
   *     stores are tested against); checkpoints are the same bytes either way
   */
  public record Options(
      RulesConfig rules,
      RiskMetrics metrics,
      Consumer<Alert> alertListener,
      String deadLetterStream,
      Duration punctuationInterval,
      RiskModel model,
      String riskStream,
      boolean heapStores) {

    public Options {
      Objects.requireNonNull(rules, "rules");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(alertListener, "alertListener");
      Objects.requireNonNull(punctuationInterval, "punctuationInterval");
      Objects.requireNonNull(model, "model");
      if (punctuationInterval.isNegative() || punctuationInterval.isZero()) {
        throw new IllegalArgumentException("punctuationInterval must be positive");
      }
    }

    /**
     * Defaults for an application id: refused events go to {@code <applicationId>-refused} (the
     * engine's own {@code <applicationId>-dlq} holds unreadable bytes, a different record shape).
     */
    public static Options forApplication(String applicationId) {
      return new Options(
          RulesConfig.DEFAULTS, RiskMetrics.none(), a -> {}, StreamNames.refused(applicationId),
          Duration.ofHours(1), RiskModel.builtIn(), null, true);
    }

    /** The rule thresholds. */
    public Options withRules(RulesConfig rules) {
      return new Options(
          rules, metrics, alertListener, deadLetterStream, punctuationInterval, model, riskStream,
          heapStores);
    }

    /** Where meters go. */
    public Options withMetrics(RiskMetrics metrics) {
      return new Options(
          rules, metrics, alertListener, deadLetterStream, punctuationInterval, model, riskStream,
          heapStores);
    }

    /** Called with every alert record as it is emitted, on the task thread: keep it fast. */
    public Options withAlertListener(Consumer<Alert> alertListener) {
      return new Options(
          rules, metrics, alertListener, deadLetterStream, punctuationInterval, model, riskStream,
          heapStores);
    }

    /** Where refused events go; {@code null} counts them only. */
    public Options withDeadLetterStream(String deadLetterStream) {
      return new Options(
          rules, metrics, alertListener, deadLetterStream, punctuationInterval, model, riskStream,
          heapStores);
    }

    /** The model that scores student-courses. */
    public Options withModel(RiskModel model) {
      return new Options(
          rules, metrics, alertListener, deadLetterStream, punctuationInterval, model, riskStream,
          heapStores);
    }

    /** Where risk scores go; {@code null} writes none. */
    public Options withRiskStream(String riskStream) {
      return new Options(
          rules, metrics, alertListener, deadLetterStream, punctuationInterval, model, riskStream,
          heapStores);
    }

    /** Whether the key-value stores hold objects ({@code true}, default) or serialized bytes. */
    public Options withHeapStores(boolean heapStores) {
      return new Options(
          rules, metrics, alertListener, deadLetterStream, punctuationInterval, model, riskStream,
          heapStores);
    }

    /** How often, in stream time, due timers are drained; alerts still carry exact times. */
    public Options withPunctuationInterval(Duration punctuationInterval) {
      return new Options(
          rules, metrics, alertListener, deadLetterStream, punctuationInterval, model, riskStream,
          heapStores);
    }
  }

  /** The serde of LMS events at the sources: {@link EventCodec}, which validates. */
  public static final Serde<LmsEvent> EVENT_SERDE = eventSerde(EventCodec::decode);

  private static Serde<LmsEvent> eventSerde(java.util.function.Function<byte[], LmsEvent> decoder) {
    return new Serde<>() {
      @Override
      public byte[] serialize(LmsEvent value) {
        return EventCodec.encode(value);
      }

      @Override
      public LmsEvent deserialize(byte[] bytes) {
        return decoder.apply(bytes);
      }
    };
  }

  /**
   * The engine's handler for unreadable source records: counts each in {@code
   * coursepulse.dead.letters} with the source stream and the codec's reason code ({@code
   * not_json}, {@code too_large}, ... from {@link coursepulse.lms.event.MalformedEventException}),
   * the meter that also counts refused events, and lets processing continue. The engine itself
   * writes the record to {@code <applicationId>-dlq} with the same reason.
   */
  public static DeserializationExceptionHandler deadLetterHandler(RiskMetrics metrics) {
    Objects.requireNonNull(metrics, "metrics");
    return (origin, raw, e) -> {
      metrics.deadLettered(origin.stream(), ReasonCoded.codeOf(e));
      return DeserializationExceptionHandler.Response.CONTINUE;
    };
  }

  /** A new topology of the application, writing alerts to {@code 04-Alerts}. */
  public static Topology build(Options options) {
    return build(options, StreamNames.ALERTS);
  }

  /**
   * A new topology of the application writing alerts to {@code alertsStream}; {@code null} writes
   * none (the alert listener still sees every alert: replays and backtests that only compare).
   */
  public static Topology build(Options options, String alertsStream) {
    return build(options, alertsStream, null, null);
  }

  /**
   * Like {@link #build(Options, String)}, every alert stamped with {@code origin} (application id
   * and rules hash) before it is written or given to the listener.
   */
  public static Topology build(Options options, String alertsStream, Alert.Origin origin) {
    return build(options, alertsStream, null, origin);
  }

  /**
   * A new topology of the application, writing alerts to {@code alertsStream}, that also calls
   * {@code afterEvent} with each input event once the alerting processor has handled it (its
   * state updated, its alerts forwarded), on the task thread. Benchmarks measure end-to-end
   * latency with it.
   */
  public static Topology buildObserved(
      Options options, String alertsStream, Consumer<LmsEvent> afterEvent) {
    return build(options, alertsStream, afterEvent, null);
  }

  private static Topology build(
      Options options, String alertsStream, Consumer<LmsEvent> afterEvent, Alert.Origin origin) {
    Topology t = new Topology();
    // Source order breaks timestamp ties: an enrolment is seen before a login at the same instant.
    t.addSource("risk-source-enrollment", StreamNames.ENROLLMENT, consumed(StreamNames.ENROLLMENT));
    t.addSource("risk-source-login", StreamNames.LOGIN, consumed(StreamNames.LOGIN));
    t.addSource("risk-source-activity", StreamNames.ACTIVITY, consumed(StreamNames.ACTIVITY));
    boolean refused = options.deadLetterStream() != null;
    boolean scores = options.riskStream() != null;
    ProcessorSupplier<String, LmsEvent, String, RiskOutput> supplier =
        () -> {
          RiskProcessor risk =
              new RiskProcessor(
                  options.rules(), options.model(), options.metrics(), options.alertListener(), origin,
                  alertsStream != null, refused, scores, options.punctuationInterval());
          return afterEvent == null ? risk : new AfterEvent(risk, afterEvent);
        };
    t.addProcessor(
        "risk", supplier, "risk-source-enrollment", "risk-source-login", "risk-source-activity");
    // Each child receives one record type from the processor, by name.
    if (alertsStream != null) {
      t.addSink(RiskProcessor.ALERTS_CHILD, alertsStream, Produced.with(AlertCodec.serde()), "risk");
    }
    if (refused) {
      t.addSink(
          RiskProcessor.REFUSED_CHILD, options.deadLetterStream(), Produced.with(DeadLetter.serde()),
          "risk");
    }
    if (scores) {
      t.addSink(
          RiskProcessor.SCORES_CHILD, options.riskStream(), Produced.with(RiskScoreCodec.serde()),
          "risk");
    }
    // The processor puts back every state object it changes (see RiskProcessor), so the heap
    // stores keep exactly what the serialized ones would (HeapStateTest).
    for (java.util.Map.Entry<String, Serde<?>> store : valueSerdes(options.rules()).entrySet()) {
      t.addStateStore(storeBuilder(store.getKey(), store.getValue(), options.heapStores()), "risk");
    }
    t.addStateStore(
        Stores.timerQueueBuilder(
            RiskProcessor.TIMERS, TimerKeys.SERDE, TimerKeys.Timer::due, TimerKeys.ORDER),
        "risk");
    return t;
  }

  /** The value serde of each of the {@link #STORES}, in that order; every key is a string. */
  static java.util.Map<String, Serde<?>> valueSerdes(RulesConfig rules) {
    int weeks = RiskProcessor.weeksKept(rules);
    java.util.Map<String, Serde<?>> serdes = new java.util.LinkedHashMap<>();
    serdes.put(RiskProcessor.STUDENTS, StateSerdes.student(weeks));
    serdes.put(RiskProcessor.ENROLLMENTS, StateSerdes.enrollment(weeks));
    serdes.put(RiskProcessor.COURSES, StateSerdes.COURSE);
    serdes.put(RiskProcessor.FORMER_TIMERS, StateSerdes.BYTES);
    serdes.put(RiskProcessor.META, StateSerdes.LONG);
    serdes.put(RiskProcessor.EVENT_IDS, RecentEventIds.SERDE);
    serdes.put(FormerRosterLayout.ENROLLMENTS, StateSerdes.enrollment(weeks));
    serdes.put(FormerRosterLayout.MEMBERS, StateSerdes.BYTES);
    serdes.put(FormerRosterLayout.SIGNALS, StateSerdes.STUDENT_COURSE);
    serdes.put(CourseSignals.COHORTS, StateSerdes.COHORT);
    serdes.put(CourseSignals.GRADES, StateSerdes.GRADES);
    serdes.put(AssignmentWeights.STORE, AssignmentWeights.SERDE);
    serdes.put(CourseSignals.CLASS_DAYS, StateSerdes.CLASS_DAY);
    return serdes;
  }

  private static <V> coursepulse.engine.StoreBuilder<coursepulse.engine.KeyValueStore<String, V>>
      storeBuilder(String name, Serde<V> values, boolean onHeap) {
    // One tree per store under the keys' UTF-8 bytes: no hash map, no key objects.
    return onHeap
        ? Stores.orderedHeapKeyValueStoreBuilder(name, StateSerdes.STRING, values)
        : Stores.keyValueStoreBuilder(name, StateSerdes.STRING, values);
  }

  /** Events of {@code stream}: an event of a type that belongs elsewhere is refused. */
  private static Consumed<String, LmsEvent> consumed(String stream) {
    return Consumed.<String, LmsEvent>with(eventSerde(bytes -> EventCodec.decodeFrom(stream, bytes)))
        .withKeyExtractor(LmsEvent::key)
        .withTimestampExtractor((event, logTimestamp) -> event.occurredAt().toEpochMilli());
  }

  /** Runs the alerting processor, then tells the listener about the event. */
  private static final class AfterEvent implements Processor<String, LmsEvent, String, RiskOutput> {
    private final Processor<String, LmsEvent, String, RiskOutput> delegate;
    private final Consumer<LmsEvent> listener;

    AfterEvent(Processor<String, LmsEvent, String, RiskOutput> delegate, Consumer<LmsEvent> listener) {
      this.delegate = delegate;
      this.listener = listener;
    }

    @Override
    public void init(ProcessorContext<String, RiskOutput> context) {
      delegate.init(context);
    }

    @Override
    public void process(StreamRecord<String, LmsEvent> record) {
      delegate.process(record);
      if (record.value() != null) {
        listener.accept(record.value());
      }
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
