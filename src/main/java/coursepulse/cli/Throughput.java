package coursepulse.cli;

import java.lang.management.ManagementFactory;

/**
 * Times one throughput phase of {@code bench} and notes what else the machine did meanwhile: this
 * JVM's CPU time and the load average at its end, so that a slow round can be told from a busy
 * machine.
 */
final class Throughput {

  /** One timed throughput phase: events per second, CPU µs per event, load average at its end. */
  record Measured(double rate, double cpuMicrosPerEvent, double loadAverage) {
    /** The faster of this and {@code other} (this when {@code other} is {@code null}). */
    Measured best(Measured other) {
      return other == null || rate >= other.rate ? this : other;
    }
  }

  /** A phase that returns the nanoseconds its work took (setup it does not count is left out). */
  interface Timed {
    long nanos() throws InterruptedException;
  }

  private final BenchReport report;

  Throughput(BenchReport report) {
    this.report = report;
  }

  /** Runs one phase of {@code n} events, with this JVM's CPU time and the load average around it. */
  Measured measure(String name, int round, long n, Timed phase) throws InterruptedException {
    long cpu0 = processCpuNanos();
    long nanos = phase.nanos();
    long cpu = processCpuNanos() - cpu0;
    double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    // The process CPU clock ticks in steps (10 ms on Linux): a phase shorter than one step can
    // read 0, which would claim no CPU at all. Unknown instead (NaN; null in the report).
    Measured m = new Measured(rate(n, nanos), cpu <= 0 ? Double.NaN : cpu / 1000.0 / n, load);
    report.progress("round %d %s %,.0f events/s, %.1f CPU µs/event, load average %.1f", round,
        name, m.rate(), m.cpuMicrosPerEvent(), load);
    return m;
  }

  /** Events per second. */
  static double rate(long n, long nanos) {
    return n * 1e9 / nanos;
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getProcessCpuTime();
    }
    return -1;
  }
}
