package coursepulse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What {@code bench} prints: progress lines while it runs, the rows it measured as a table at the
 * end, and optionally the machine and the rows as JSON. The row list is the run's result; phases
 * add to it in the order the table shows.
 */
final class BenchReport {

  /**
   * One measured value.
   *
   * @param name what was measured, e.g. {@code processor}
   * @param value the measurement, or {@code null} when the run had nothing to measure it on (a
   *     latency to alerts in a run in which no alert was emitted): unknown, not zero
   * @param unit its unit, e.g. {@code events/s}
   * @param baseline name of the row it is compared with, or {@code null}
   * @param ratio {@code value / baseline value}, or {@code null}
   * @param processorRatio for the throughput baselines: the {@code processor} row's rate divided
   *     by this row's, or {@code null}
   * @param cpuMicrosPerEvent CPU time of this JVM (all its threads) per event during the
   *     measurement, or {@code null} (the broker's CPU is not included)
   * @param loadAverage the machine's one-minute load average when the measurement ended, or
   *     {@code null}
   */
  record BenchRow(
      String name,
      Double value,
      String unit,
      String baseline,
      Double ratio,
      Double processorRatio,
      Double cpuMicrosPerEvent,
      Double loadAverage) {}

  private final PrintWriter out;
  private final List<BenchRow> rows = new ArrayList<>();

  BenchReport(PrintWriter out) {
    this.out = out;
  }

  /** Prints one indented progress line right away, so a long run shows where it is. */
  void progress(String format, Object... args) {
    out.printf("  " + format + "%n", args);
    out.flush();
  }

  /** Prints an unindented line, such as the run's heading. */
  void line(String format, Object... args) {
    out.printf(format + "%n", args);
    out.flush();
  }

  /** Adds a row without CPU time or load average; {@code baseValue} is ignored without baseline. */
  void add(String name, double value, String unit, String baseline, double baseValue) {
    rows.add(
        new BenchRow(
            name, value, unit, baseline, baseline == null ? null : value / baseValue, null, null,
            null));
  }

  /**
   * Adds a row the run could not measure: its value and ratio are {@code null} in the JSON and
   * {@code -} in the table.
   */
  void addUnmeasured(String name, String unit) {
    rows.add(new BenchRow(name, null, unit, null, null, null, null, null));
  }

  /**
   * Adds an events/s row with its CPU time and load average.
   *
   * @param base the baseline's measurement, or {@code null} when {@code baseline} is
   * @param processor the processor's measurement for a baseline row, or {@code null}
   */
  void addThroughput(
      String name, Throughput.Measured m, String baseline, Throughput.Measured base,
      Throughput.Measured processor) {
    rows.add(
        new BenchRow(
            name, m.rate(), "events/s", baseline, base == null ? null : m.rate() / base.rate(),
            processor == null ? null : processor.rate() / m.rate(),
            Double.isNaN(m.cpuMicrosPerEvent()) ? null : m.cpuMicrosPerEvent(), m.loadAverage()));
  }

  /**
   * Prints the table and, when {@code json} is not {@code null}, writes the machine and the rows
   * to it.
   */
  void finish(Map<String, Object> machine, Path json) throws IOException {
    printTable();
    if (json != null) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("machine", machine);
      doc.put("rows", rows);
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), doc);
      out.println("written to " + json);
    }
    out.flush();
  }

  private void printTable() {
    out.println();
    String format = "%-32s %14s  %-9s %-12s %6s %11s %9s %5s%n";
    out.printf(format, "name", "value", "unit", "baseline", "ratio", "processor/x", "cpu-us/ev",
        "load");
    for (BenchRow row : rows) {
      out.printf(format, row.name(), value(row.value()),
          row.unit(), row.baseline() == null ? "-" : row.baseline(), twoDigits(row.ratio()),
          twoDigits(row.processorRatio()),
          row.cpuMicrosPerEvent() == null ? "-" : String.format("%.1f", row.cpuMicrosPerEvent()),
          row.loadAverage() == null ? "-" : String.format("%.1f", row.loadAverage()));
    }
  }

  private static String value(Double v) {
    if (v == null) {
      return "-";
    }
    return Math.abs(v) >= 1000 ? String.format("%,.0f", v) : String.format("%.2f", v);
  }

  private static String twoDigits(Double d) {
    return d == null ? "-" : String.format("%.2f", d);
  }

  /**
   * The machine and the run's sizes, in the JSON's {@code machine} field order: so that numbers of
   * two runs are only compared when they come from comparable machines and loads.
   */
  static Map<String, Object> machine(
      LogOptions.Broker broker, int students, int stateStudents, int rate) {
    Map<String, Object> m = new LinkedHashMap<>();
    Runtime rt = Runtime.getRuntime();
    m.put("cores", rt.availableProcessors());
    m.put("cpu", cpuModel());
    m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
        + System.getProperty("os.arch"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    m.put("maxHeapMiB", rt.maxMemory() >> 20);
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      m.put("memoryMiB", sun.getTotalMemorySize() >> 20);
    }
    m.put("loadAverageAtStart", os.getSystemLoadAverage());
    m.put("broker", broker.name().toLowerCase(Locale.ROOT));
    m.put("students", students);
    m.put("stateStudents", stateStudents);
    m.put("rate", rate);
    m.put("startedAt", Instant.now().toString());
    return m;
  }

  private static String cpuModel() {
    try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
      return lines
          .filter(l -> l.startsWith("model name"))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst()
          .orElse("unknown");
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
