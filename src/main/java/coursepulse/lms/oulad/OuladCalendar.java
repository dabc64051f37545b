package coursepulse.lms.oulad;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAdjusters;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Puts OULAD's relative days on real dates. OULAD only says that {@code B} presentations start in
 * February and {@code J} ones in October; a presentation here starts at 00:00 UTC on the first
 * Monday of that month of its year (2013J: 2013-10-07) unless an override names its course id
 * ({@code AAA-2013J=2013-10-05}) or its presentation code for every module ({@code
 * 2013J=2013-10-05}); the course id wins. Day {@code d} of the presentation is that date plus
 * {@code d} days.
 */
public final class OuladCalendar {
  private final Map<String, LocalDate> overrides;

  private OuladCalendar(Map<String, LocalDate> overrides) {
    this.overrides = Map.copyOf(overrides);
  }

  /** The default calendar: first Monday of February or October. */
  public static OuladCalendar standard() {
    return new OuladCalendar(Map.of());
  }

  /**
   * A calendar with overrides {@code PRESENTATION=DATE}, as {@code --start} takes them.
   *
   * @throws IllegalArgumentException for a malformed or repeated override, saying what is expected
   */
  public static OuladCalendar withStarts(Iterable<String> specs) {
    Map<String, LocalDate> map = new TreeMap<>();
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--start '" + spec + "': expected PRESENTATION=DATE, e.g. AAA-2013J=2013-10-07 or"
                + " 2013J=2013-10-07");
      }
      String key = spec.substring(0, eq).strip();
      LocalDate date;
      try {
        date = LocalDate.parse(spec.substring(eq + 1).strip());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "--start '" + spec + "': the date must be YYYY-MM-DD, e.g. AAA-2013J=2013-10-07");
      }
      LocalDate before = map.put(key, date);
      if (before != null) {
        throw new IllegalArgumentException(
            "--start gives " + key + " twice (" + before + " and " + date + "): give each"
                + " presentation one start");
      }
    }
    return new OuladCalendar(map);
  }

  /**
   * The first day of a presentation.
   *
   * @throws OuladFormatException when the presentation code is not YYYYB or YYYYJ and no override
   *     gives its start
   */
  public LocalDate start(String module, String presentation) {
    LocalDate own = overrides.get(module + "-" + presentation);
    if (own != null) {
      return own;
    }
    LocalDate shared = overrides.get(presentation);
    if (shared != null) {
      return shared;
    }
    if (presentation.length() == 5 && presentation.substring(0, 4).chars().allMatch(Character::isDigit)) {
      int year = Integer.parseInt(presentation.substring(0, 4));
      char term = presentation.charAt(4);
      if (term == 'B' || term == 'J') {
        return LocalDate.of(year, term == 'B' ? 2 : 10, 1)
            .with(TemporalAdjusters.firstInMonth(DayOfWeek.MONDAY));
      }
    }
    throw new OuladFormatException(
        "presentation " + module + "-" + presentation + " is not YYYYB or YYYYJ, so its start is"
            + " unknown: give it with --start " + module + "-" + presentation + "=YYYY-MM-DD");
  }

  /**
   * Checks that every override names an imported presentation ({@code AAA-2013J}) or the code of
   * one ({@code 2013J}), so that a misspelt one is not silently without effect.
   *
   * @throws IllegalArgumentException naming the override and what was imported
   */
  void requireImported(Collection<OuladTables.Course> courses) {
    Set<String> names = new TreeSet<>();
    for (OuladTables.Course c : courses) {
      names.add(c.id());
      names.add(c.presentation());
    }
    for (String key : new TreeSet<>(overrides.keySet())) {
      if (!names.contains(key)) {
        throw new IllegalArgumentException(
            "--start " + key + " names no imported presentation: give one of " + names);
      }
    }
  }
}
