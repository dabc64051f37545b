package coursepulse.lms.risk;

import java.util.EnumMap;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * Where a rule keeps its state in a record ({@link StudentState}, {@link EnrollmentState} or
 * {@link StudentCourse}): a stable id, how to make the rule's state type, and how to write and read
 * the fields it adds to {@link AlertSlot}. Declared by the rule, beside its logic, so a rule that
 * needs state adds no field to a shared class.
 *
 * <p>The id is stored with the state (format 2 of the records, see {@link StateSerdes}) and must
 * never change or be reused; ids are unique among {@link RiskRule#ALL}. Rules that act on the same
 * record in one moment resolve in id order, so ids follow the order of {@link RiskRule#ALL}.
 *
 * @param <S> the rule's state type
 */
final class StateSlot<S extends AlertSlot> {
  /** Writes the fields a state type adds to {@link AlertSlot}. */
  interface Writer<S> {
    void write(S state, StateCodec.Out out);
  }

  private final Rule rule;
  private final int id;
  private final IntFunction<S> create;
  private final Writer<S> writer;
  private final BiConsumer<S, StateCodec.In> reader;

  /**
   * @param create makes an empty state for slot id {@code id}
   * @param writer writes the added fields; {@code reader} reads them back into an empty state
   */
  StateSlot(
      Rule rule,
      int id,
      IntFunction<S> create,
      Writer<S> writer,
      BiConsumer<S, StateCodec.In> reader) {
    if (id < 0 || id > Byte.MAX_VALUE) {
      throw new IllegalArgumentException("slot id out of range: " + id);
    }
    this.rule = rule;
    this.id = id;
    this.create = create;
    this.writer = writer;
    this.reader = reader;
  }

  /** A slot holding the alert lifecycle only. */
  static StateSlot<AlertSlot> alertOnly(Rule rule, int id) {
    return new StateSlot<>(rule, id, AlertSlot::new, (s, out) -> {}, (s, in) -> {});
  }

  Rule rule() {
    return rule;
  }

  int id() {
    return id;
  }

  /** The rule's state in {@code record}, or null when it keeps nothing there. */
  @SuppressWarnings("unchecked") // only this slot's create makes states with this id
  S get(Slotted record) {
    return (S) record.slot(id);
  }

  /** The rule's state in {@code record}, added empty when absent. */
  S getOrCreate(Slotted record) {
    S s = get(record);
    if (s == null) {
      s = create();
      record.add(s);
    }
    return s;
  }

  /** An empty state of this slot, not yet in a record. */
  S create() {
    return create.apply(id);
  }

  /** Writes the state's alert lifecycle, then its own fields. */
  @SuppressWarnings("unchecked")
  void write(AlertSlot state, StateCodec.Out out) {
    out.time(state.openedAt);
    out.time(state.resolvedAt);
    out.varlong(state.severity);
    writer.write((S) state, out);
  }

  /** Reads what {@link #write} wrote into a new state. */
  S read(StateCodec.In in) {
    S s = create();
    s.openedAt = in.time();
    s.resolvedAt = in.time();
    s.severity = (byte) in.varlong();
    reader.accept(s, in);
    return s;
  }

  /** The slot of every rule's state, by id (null where none) and by rule. */
  static StateSlot<?> byId(int id) {
    StateSlot<?>[] all = Registry.BY_ID;
    return id >= 0 && id < all.length ? all[id] : null;
  }

  static StateSlot<?> of(Rule rule) {
    StateSlot<?> s = Registry.BY_RULE.get(rule);
    if (s == null) {
      throw new IllegalArgumentException("no rule in RiskRule.ALL declares state for " + rule);
    }
    return s;
  }

  /** Built on first use: the rules' classes declare their slots while RiskRule.ALL is built. */
  private static final class Registry {
    static final StateSlot<?>[] BY_ID;
    static final Map<Rule, StateSlot<?>> BY_RULE = new EnumMap<>(Rule.class);

    static {
      int max = -1;
      for (RiskRule r : RiskRule.ALL) {
        max = Math.max(max, r.state().id());
      }
      BY_ID = new StateSlot<?>[max + 1];
      for (RiskRule r : RiskRule.ALL) {
        StateSlot<?> s = r.state();
        if (BY_ID[s.id()] != null) {
          throw new IllegalStateException(
              "state slot id " + s.id() + " of " + s.rule() + " is taken by "
                  + BY_ID[s.id()].rule());
        }
        if (s.rule() != r.rule()) {
          throw new IllegalStateException(r.rule() + " declares the slot of " + s.rule());
        }
        BY_ID[s.id()] = s;
        BY_RULE.put(s.rule(), s);
      }
    }
  }
}
