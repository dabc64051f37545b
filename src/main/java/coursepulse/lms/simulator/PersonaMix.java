package coursepulse.lms.simulator;

import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The share of student-course enrolments given to each {@link Persona}. Shares need not sum to
 * one: they are normalised.
 *
 * <p>{@link #oulad()} derives the default from the OULAD final results ({@link Oulad}): withdrawn
 * students split into ghosts (those who leave before the start) and dropouts (the rest, who leave
 * during the term); Distinction students are engaged; Pass students split evenly into engaged,
 * late submitters and crammers; Fail students split 2 : 1 : 1 into fading, returning and lurkers
 * (who keep logging in but stop working). These splits are our assumptions; the activity of each
 * persona is calibrated on OULAD's clicks ({@link Oulad}).
 */
public record PersonaMix(Map<Persona, Double> shares) {

  public PersonaMix {
    EnumMap<Persona, Double> copy = new EnumMap<>(Persona.class);
    double total = 0;
    for (Persona p : Persona.values()) {
      double v = shares.getOrDefault(p, 0.0);
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(
            "share of " + p.code() + " must be a finite number >= 0, was " + v);
      }
      copy.put(p, v);
      total += v;
    }
    if (total <= 0) {
      throw new IllegalArgumentException("persona shares must not all be zero");
    }
    if (Double.isInfinite(total)) {
      // Every share would normalise to 0 or NaN: not the mix that was asked for.
      throw new IllegalArgumentException(
          "persona shares add up to more than a double holds: give proportions such as"
              + " engaged=0.3,ghost=0.1");
    }
    for (Persona p : Persona.values()) {
      copy.put(p, copy.get(p) / total);
    }
    shares = java.util.Collections.unmodifiableMap(copy);
  }

  /** The default mix derived from OULAD final results (see the type's Javadoc). */
  public static PersonaMix oulad() {
    EnumMap<Persona, Double> m = new EnumMap<>(Persona.class);
    double passThird = Oulad.PASS / 3;
    m.put(Persona.ENGAGED, Oulad.DISTINCTION + passThird);
    m.put(Persona.LATE_SUBMITTER, passThird);
    m.put(Persona.CRAMMER, passThird);
    m.put(Persona.FADING, Oulad.FAIL / 2);
    m.put(Persona.RETURNING, Oulad.FAIL / 4);
    m.put(Persona.LURKER, Oulad.FAIL / 4);
    m.put(Persona.GHOST, Oulad.WITHDRAWN * Oulad.WITHDRAWN_BEFORE_START);
    m.put(Persona.DROPOUT, Oulad.WITHDRAWN * (1 - Oulad.WITHDRAWN_BEFORE_START));
    return new PersonaMix(m);
  }

  /**
   * Parses {@code engaged=0.3,ghost=0.1,...}; personas not named get 0. An empty text or {@code
   * oulad} gives {@link #oulad()}.
   */
  public static PersonaMix parse(String text) {
    String t = text == null ? "" : text.trim();
    if (t.isEmpty() || t.equalsIgnoreCase("oulad")) {
      return oulad();
    }
    EnumMap<Persona, Double> m = new EnumMap<>(Persona.class);
    for (String part : t.split(",")) {
      int eq = part.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "cannot read persona share '" + part + "': use persona=share, e.g. ghost=0.08");
      }
      Persona p = Persona.fromCode(part.substring(0, eq));
      try {
        m.put(p, Double.parseDouble(part.substring(eq + 1).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("share of " + p.code() + " is not a number: " + part);
      }
    }
    return new PersonaMix(m);
  }

  /** The normalised share of one persona. */
  public double share(Persona p) {
    return shares.get(p);
  }

  double[] cumulative() {
    double[] w = new double[Persona.values().length];
    for (Persona p : Persona.values()) {
      w[p.ordinal()] = shares.get(p);
    }
    return Rng.cumulative(w);
  }

  /** {@code engaged=0.2193,...} with four decimals: stable text for fingerprints and docs. */
  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (Persona p : Persona.values()) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(p.code()).append('=').append(String.format(Locale.ROOT, "%.4f", shares.get(p)));
    }
    return b.toString();
  }
}
