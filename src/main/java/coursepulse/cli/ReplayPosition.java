package coursepulse.cli;

import coursepulse.lms.event.StreamNames;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A position in an input stream as the operator names it for {@code replay} and {@code reset}:
 * {@code first}, {@code last}, {@code next} (these three as {@code process --from} means them),
 * {@code offset:N} (or a bare number), {@code timestamp:ISO} (log
 * time: when the broker stored the message) or {@code event-time:ISO} (the events' own {@code
 * occurredAt}). {@link ReplayRange} turns one into an offset per stream.
 */
sealed interface ReplayPosition {

  /** The oldest retained message. */
  record First() implements ReplayPosition {
    @Override
    public String toString() {
      return "first";
    }
  }

  /**
   * As a start, where {@code process --from last} starts: the first message of the log's newest
   * chunk (on RabbitMQ a chunk holds a batch, so possibly several messages before the newest; the
   * reader the log gives for {@code last} decides). As an end, after the newest message.
   */
  record Last() implements ReplayPosition {
    @Override
    public String toString() {
      return "last";
    }
  }

  /**
   * Where {@code process --from next} starts: after the newest message as the command runs, so
   * that only messages appended later are read. As an end, the same place.
   */
  record Next() implements ReplayPosition {
    @Override
    public String toString() {
      return "next";
    }
  }

  /** An absolute offset of the stream. */
  record Offset(long offset) implements ReplayPosition {
    @Override
    public String toString() {
      return "offset:" + offset;
    }
  }

  /** The first message the log stored at or after this time (broker append time). */
  record LogTime(Instant time) implements ReplayPosition {
    @Override
    public String toString() {
      return "timestamp:" + time;
    }
  }

  /** The first message whose event happened at or after this time ({@code occurredAt}). */
  record EventTime(Instant time) implements ReplayPosition {
    @Override
    public String toString() {
      return "event-time:" + time;
    }
  }

  /**
   * Whether {@code to} lies before {@code from} whatever the streams hold: same kind and an
   * earlier value, {@code last} before anything but {@code last}, or anything before {@code
   * first} but {@code first}. Positions of different kinds (an offset and a time) are only
   * comparable once resolved on the streams.
   */
  static boolean endsBeforeStart(ReplayPosition from, ReplayPosition to) {
    if ((from instanceof Last || from instanceof Next) && !(to instanceof Last || to instanceof Next)) {
      return true;
    }
    if (to instanceof First && !(from instanceof First)) {
      return true;
    }
    if (from instanceof Offset f && to instanceof Offset t) {
      return t.offset() < f.offset();
    }
    if (from instanceof LogTime f && to instanceof LogTime t) {
      return t.time().isBefore(f.time());
    }
    if (from instanceof EventTime f && to instanceof EventTime t) {
      return t.time().isBefore(f.time());
    }
    return false;
  }

  String FORMS =
      "first, last, next, offset:N, timestamp:2026-09-15T00:00:00Z (log time) or"
          + " event-time:2026-09-15T00:00:00Z (event time)";

  /**
   * Parses one position.
   *
   * @throws IllegalArgumentException naming the accepted forms
   */
  static ReplayPosition parse(String text) {
    String s = text == null ? "" : text.trim();
    try {
      if (s.equals("first")) {
        return new First();
      }
      if (s.equals("last")) {
        return new Last();
      }
      if (s.equals("next")) {
        return new Next();
      }
      if (s.startsWith("offset:") || (!s.isEmpty() && s.chars().allMatch(Character::isDigit))) {
        long n = Long.parseLong(s.startsWith("offset:") ? s.substring(7) : s);
        if (n >= 0) {
          return new Offset(n);
        }
      }
      if (s.startsWith("timestamp:")) {
        return new LogTime(instant(s.substring("timestamp:".length())));
      }
      if (s.startsWith("event-time:")) {
        return new EventTime(instant(s.substring("event-time:".length())));
      }
    } catch (NumberFormatException | DateTimeParseException e) {
      // fall through to the message below
    }
    if (isTime(s)) {
      throw new IllegalArgumentException(
          "position '" + text + "' is a time without its kind: write timestamp:" + s
              + " for log time (when the broker stored the message) or event-time:" + s
              + " for when the event happened");
    }
    throw new IllegalArgumentException("cannot read position '" + text + "': use " + FORMS);
  }

  private static boolean isTime(String s) {
    if (s.chars().allMatch(Character::isDigit)) {
      return false; // an offset
    }
    try {
      instant(s);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /**
   * Parses {@code STREAM=POSITION,STREAM=POSITION}, e.g. {@code 01-Enrollment=first,02-Login=5000}.
   *
   * @throws IllegalArgumentException on a malformed entry or a stream named twice
   */
  static Map<String, ReplayPosition> parsePerStream(String text) {
    Map<String, ReplayPosition> out = new LinkedHashMap<>();
    if (text == null || text.isBlank()) {
      return out;
    }
    for (String part : text.split(",")) {
      int eq = part.indexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        throw new IllegalArgumentException(
            "cannot read '" + part.trim() + "': use STREAM=POSITION, e.g. 02-Login=5000");
      }
      String stream = part.substring(0, eq).trim();
      if (out.put(stream, parse(part.substring(eq + 1))) != null) {
        throw new IllegalArgumentException("stream '" + stream + "' is given twice");
      }
    }
    return out;
  }

  /**
   * Parses {@code STREAM=POSITION,...} like {@link #parsePerStream} and refuses a stream that is
   * not an input: a mistyped name would otherwise be ignored and its stream start at the common
   * position.
   *
   * @param option the option the text came from, for the message ({@code --from-offsets})
   * @throws IllegalArgumentException on a malformed entry, a stream named twice or one that is not
   *     an input, naming the inputs
   */
  static Map<String, ReplayPosition> parsePerInput(String text, String option) {
    Map<String, ReplayPosition> out = parsePerStream(text);
    for (String stream : out.keySet()) {
      if (!StreamNames.INPUTS.contains(stream)) {
        String meant =
            StreamNames.INPUTS.stream().filter(stream::equalsIgnoreCase).findFirst()
                .map(s -> " (did you mean " + s + "? names are case-sensitive)").orElse("");
        throw new IllegalArgumentException(
            option + " names '" + stream + "', which is not an input stream" + meant
                + ": give positions for " + String.join(", ", StreamNames.INPUTS) + " only");
      }
    }
    return out;
  }

  private static Instant instant(String t) {
    if (!t.isEmpty() && t.chars().allMatch(Character::isDigit)) {
      return Instant.ofEpochMilli(Long.parseLong(t));
    }
    if (t.length() == 10) { // a date alone means its start, UTC
      return java.time.LocalDate.parse(t).atStartOfDay(java.time.ZoneOffset.UTC).toInstant();
    }
    return Instant.parse(t);
  }
}
