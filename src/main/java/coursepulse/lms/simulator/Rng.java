package coursepulse.lms.simulator;

/**
 * A small, fast, reseedable SplitMix64 generator. The simulator derives a fresh stream for every
 * (student, day) or (student, assignment) from the run seed instead of carrying generator state,
 * so the output does not depend on the order in which students are visited and per-student state
 * stays a handful of fields.
 */
final class Rng {
  private static final long GOLDEN = 0x9E3779B97F4A7C15L;

  private long state;

  Rng(long seed) {
    this.state = seed;
  }

  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  static long hash(long a, long b) {
    return mix(a * GOLDEN + mix(b + GOLDEN));
  }

  static long hash(long a, long b, long c) {
    return hash(hash(a, b), c);
  }

  static long hash(long a, long b, long c, long d) {
    return hash(hash(hash(a, b), c), d);
  }

  Rng reseed(long seed) {
    this.state = seed;
    return this;
  }

  long nextLong() {
    state += GOLDEN;
    return mix(state);
  }

  /** Uniform in [0, 1). */
  double nextDouble() {
    return (nextLong() >>> 11) * 0x1.0p-53;
  }

  /** Uniform in [0, bound). */
  int nextInt(int bound) {
    return (int) (((nextLong() >>> 33) * bound) >>> 31);
  }

  double uniform(double from, double to) {
    return from + (to - from) * nextDouble();
  }

  boolean chance(double p) {
    return nextDouble() < p;
  }

  /** Standard normal (Box-Muller; one value per call keeps the stream position simple). */
  double normal() {
    double u1 = 1.0 - nextDouble();
    double u2 = nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** Index drawn from cumulative weights ending at 1.0. */
  int pick(double[] cumulative) {
    double u = nextDouble();
    for (int i = 0; i < cumulative.length - 1; i++) {
      if (u < cumulative[i]) {
        return i;
      }
    }
    return cumulative.length - 1;
  }

  static double[] cumulative(double... weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double[] c = new double[weights.length];
    double run = 0;
    for (int i = 0; i < weights.length; i++) {
      run += weights[i];
      c[i] = run / total;
    }
    c[c.length - 1] = 1.0;
    return c;
  }
}
