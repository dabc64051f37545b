package coursepulse.lms.risk;

/**
 * A record whose rules keep their state in it, each in its own {@link StateSlot}: the states
 * present, in slot-id order, or none. Most records carry no rule state at all (no alert ever
 * opened), so the array is absent until a rule needs it and holds only the slots in use.
 */
abstract class Slotted {
  private static final AlertSlot[] NO_SLOTS = new AlertSlot[0];

  private AlertSlot[] slots = NO_SLOTS;

  /** The state in slot {@code id}, or null. */
  final AlertSlot slot(int id) {
    for (AlertSlot s : slots) {
      if (s.id == id) {
        return s;
      }
    }
    return null;
  }

  /** Adds a state whose slot is empty here, keeping id order. */
  final void add(AlertSlot state) {
    int at = 0;
    while (at < slots.length && slots[at].id < state.id) {
      at++;
    }
    if (at < slots.length && slots[at].id == state.id) {
      throw new IllegalStateException("slot " + state.id + " is already taken");
    }
    AlertSlot[] s = new AlertSlot[slots.length + 1];
    System.arraycopy(slots, 0, s, 0, at);
    s[at] = state;
    System.arraycopy(slots, at, s, at + 1, slots.length - at);
    slots = s;
  }

  /** The states present, in slot-id order (the order their rules run in); do not modify. */
  final AlertSlot[] slots() {
    return slots;
  }
}
