package coursepulse.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import coursepulse.io.rabbit.RabbitBench;
import coursepulse.io.rabbit.RabbitSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code coursepulse bench}: measures the product's stream I/O against the raw RabbitMQ client in
 * one run and prints one row per measurement, with the ratio to its baseline. Later work adds rows
 * (producer, processor, latency) by appending to {@link #rows()}.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Measures publish and consume rates of coursepulse's RabbitMQ log against the raw",
      "stream-client, on uniquely named streams that it deletes afterwards."
    })
final class BenchCommand implements Callable<Integer> {

  /**
   * One measured value.
   *
   * @param name what was measured, e.g. {@code log.publish}
   * @param value the measurement
   * @param unit its unit, e.g. {@code msg/s}
   * @param baseline name of the row it is compared with, or {@code null}
   * @param ratio {@code value / baseline value}, or {@code null}
   */
  record BenchRow(String name, double value, String unit, String baseline, Double ratio) {}

  @Option(
      names = "--uri",
      description = "RabbitMQ stream URI (default: $COURSEPULSE_RABBITMQ_URI or ${DEFAULT-VALUE})",
      defaultValue = "${env:COURSEPULSE_RABBITMQ_URI:-" + RabbitSettings.DEFAULT_URI + "}")
  String uri;

  @Option(names = "--messages", description = "messages per run (default: ${DEFAULT-VALUE})",
      defaultValue = "1000000")
  int messages;

  @Option(names = "--size", description = "payload bytes per message (default: ${DEFAULT-VALUE})",
      defaultValue = "100")
  int size;

  @Option(names = "--batch-size", description = "writer batch size (default: ${DEFAULT-VALUE})",
      defaultValue = "500")
  int batchSize;

  @Option(names = "--rounds",
      description = "measure this many times, keep the best of each (default: ${DEFAULT-VALUE})",
      defaultValue = "2")
  int rounds;

  @Option(names = "--json", description = "also write the rows as JSON to this file")
  Path json;

  @Option(names = "--verbose", description = "print stack traces of failures")
  boolean verbose;

  private final List<BenchRow> rows = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    RabbitSettings settings = RabbitSettings.builder(uri).batchSize(batchSize).build();
    RabbitBench.Result r = new RabbitBench(settings, messages, size, out).run(rounds);
    add("raw.publish", r.rawPublish(), "msg/s", null, 0);
    add("raw.publish.unnamed", r.rawPublishUnnamed(), "msg/s", "raw.publish", r.rawPublish());
    add("log.publish", r.logPublish(), "msg/s", "raw.publish", r.rawPublish());
    add("raw.consume", r.rawConsume(), "msg/s", null, 0);
    add("log.consume", r.logConsume(), "msg/s", "raw.consume", r.rawConsume());
    out.println();
    out.printf("%-20s %14s  %-6s %-14s %6s%n", "name", "value", "unit", "baseline", "ratio");
    for (BenchRow row : rows) {
      out.printf("%-20s %,14.0f  %-6s %-14s %6s%n", row.name(), row.value(), row.unit(),
          row.baseline() == null ? "-" : row.baseline(),
          row.ratio() == null ? "-" : String.format("%.2f", row.ratio()));
    }
    if (json != null) {
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), rows);
      out.println("rows written to " + json);
    }
    return 0;
  }

  /** The rows measured so far, in order. */
  List<BenchRow> rows() {
    return rows;
  }

  private void add(String name, double value, String unit, String baseline, double baseValue) {
    rows.add(new BenchRow(name, value, unit, baseline, baseline == null ? null : value / baseValue));
  }
}
