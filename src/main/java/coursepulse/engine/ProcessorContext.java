package coursepulse.engine;

import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link Processor} sees of its task: forwarding, state stores, time and timers. Valid from
 * {@link Processor#init} to {@link Processor#close}, on the task's thread only.
 *
 * @param <KOut> key type of forwarded records
 * @param <VOut> value type of forwarded records
 */
public interface ProcessorContext<KOut, VOut> {

  /** The application id the engine runs under. */
  String applicationId();

  /** Sends a record to every child of this processor. */
  <K extends KOut, V extends VOut> void forward(StreamRecord<K, V> record);

  /** Sends a record to the named child only. */
  <K extends KOut, V extends VOut> void forward(StreamRecord<K, V> record, String childName);

  /**
   * A state store connected to this processor.
   *
   * @throws IllegalArgumentException when no store of that name is connected to this processor
   */
  <S extends StateStore> S getStateStore(String name);

  /**
   * Calls {@code punctuator} every {@code interval}. On {@link PunctuationType#STREAM_TIME} it
   * fires as stream time (the largest event time the task has seen) crosses each multiple of the
   * interval, with that stream time: detecting that nothing happened for a while needs this, not a
   * per-record check. On {@link PunctuationType#WALL_CLOCK_TIME} it fires on the engine's clock.
   *
   * @return a handle to cancel the schedule
   */
  Cancellable schedule(Duration interval, PunctuationType type, Punctuator punctuator);

  /** The task's stream time: the largest record timestamp seen so far, or -1 before any. */
  long currentStreamTimeMs();

  /** The engine clock's time (wall-clock in production, manual in the test driver). */
  long currentSystemTimeMs();

  /** Where the record being processed came from; empty inside a punctuator. */
  Optional<RecordMetadata> recordMetadata();
}
