package coursepulse.engine;

/**
 * A node of a topology that handles one record at a time: what the DSL cannot say is written as a
 * processor.
 *
 * <p>Lifecycle: {@link #init} once before the first record, {@link #process} for every record in
 * event-time order of its task, {@link #close} once at the end. All three run on the task's
 * thread, as do punctuators scheduled through the context, so a processor needs no locking.
 *
 * @param <KIn> input key type
 * @param <VIn> input value type
 * @param <KOut> key type of forwarded records
 * @param <VOut> value type of forwarded records
 */
public interface Processor<KIn, VIn, KOut, VOut> {

  /** Called once before any record; keep the context to forward, reach stores and schedule. */
  default void init(ProcessorContext<KOut, VOut> context) {}

  /** Handles one record. */
  void process(StreamRecord<KIn, VIn> record);

  /** Called once when the task stops; stores are still open. */
  default void close() {}
}
