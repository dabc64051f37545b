package coursepulse.lms.risk;

/**
 * One rule's alert lifecycle in one record (a student, or a student in a course): when its alert
 * opened (while open) and last resolved (for the cooldown), and the severity it opened with. A rule
 * that keeps more extends this class with its own fields, so its whole state is one small object
 * in its {@link StateSlot}. Mutable; owned by the processor's task thread.
 */
class AlertSlot {
  static final long NONE = -1L;

  /** The slot's {@link StateSlot#id()}: which rule this state belongs to. */
  final byte id;

  long openedAt = NONE;
  long resolvedAt = NONE;
  byte severity;

  AlertSlot(int id) {
    this.id = (byte) id;
  }

  boolean isOpen() {
    return openedAt != NONE;
  }

  /**
   * Whether there is nothing to keep: such a state is not written, so records that never needed
   * the rule cost nothing. A subclass adds its own fields' defaults.
   */
  boolean isEmpty() {
    return openedAt == NONE && resolvedAt == NONE;
  }

  void markOpened(long at, Severity s) {
    openedAt = at;
    severity = (byte) s.ordinal();
  }

  void markResolved(long at) {
    openedAt = NONE;
    resolvedAt = at;
  }
}
