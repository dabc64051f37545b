package coursepulse.lms.simulator;

import java.util.Locale;

/**
 * How a simulated student behaves in a course; the value written to the ground-truth file. See
 * {@code docs/simulator.md} for each behaviour and its share.
 */
public enum Persona {
  /** Logs in most days, submits on time, never disengages. */
  ENGAGED,
  /** Steady activity, but about half the submissions arrive after the due time. */
  LATE_SUBMITTER,
  /** Little activity except in the day and a half before each due time. */
  CRAMMER,
  /** Engaged at first; activity declines towards an onset and fades out after it. */
  FADING,
  /** Enrols and never (or once, briefly) shows up. */
  GHOST,
  /** Disengages completely for one to three weeks, then comes back. */
  RETURNING,
  /** Stops all activity, then formally drops the course one to three weeks later. */
  DROPOUT,
  /** Keeps logging in (app check-ins, a rare glance at a page) but stops studying and submitting. */
  LURKER;

  /** The lower-case name used in files and on the command line ({@code late_submitter}). */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@link #code()}. */
  public static Persona fromCode(String code) {
    for (Persona p : values()) {
      if (p.code().equals(code.trim().toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown persona '" + code + "': use engaged, late_submitter, crammer, fading, ghost,"
            + " returning, dropout or lurker");
  }

  /**
   * The OULAD outcome group this persona stands for: 0 pass (engaged, late submitters, crammers), 1
   * fail (fading, returning, lurkers, ghosts), 2 withdrawn (dropouts).
   */
  int outcomeGroup() {
    switch (this) {
      case ENGAGED:
      case LATE_SUBMITTER:
      case CRAMMER:
        return 0;
      case DROPOUT:
        return 2;
      default:
        return 1;
    }
  }

  /** Whether students of this persona disengage at some point of the term. */
  public boolean disengages() {
    return this == FADING || this == GHOST || this == RETURNING || this == DROPOUT || this == LURKER;
  }
}
