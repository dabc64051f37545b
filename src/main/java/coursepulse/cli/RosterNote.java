package coursepulse.cli;

import coursepulse.lms.event.StreamNames;
import java.util.Optional;

/**
 * The warning {@code replay} and {@code reset} print when the roster would not be read whole: the
 * application refuses every event of a student it has not seen enrol ({@code not_enrolled}), so a
 * run whose 01-Enrollment starts after its first retained offset refuses the events of everyone
 * enrolled before, raises no alert for them, and exits 0 (docs/replay.md, "Warm-up").
 */
final class RosterNote {
  private RosterNote() {}

  /**
   * The note for a roster read from {@code roster.start()}, when that is after its first retained
   * offset; empty otherwise.
   *
   * @param run who reads it, e.g. "the replay", "the next 'process' run"
   * @param fix what to do about it, e.g. "Add --from-offsets 01-Enrollment=first"
   */
  static Optional<String> of(ReplayRange.Bounds roster, String run, String fix) {
    if (!roster.stream().equals(StreamNames.ENROLLMENT) || roster.start() <= roster.firstRetained()) {
      return Optional.empty();
    }
    return Optional.of(
        "note: " + StreamNames.ENROLLMENT + " (the roster) starts after its first offset: students"
            + " enrolled before it are unknown to " + run + " and their events are refused. "
            + fix + " to start with the whole roster.");
  }
}
