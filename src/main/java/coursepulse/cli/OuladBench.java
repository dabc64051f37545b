package coursepulse.cli;

import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.oulad.OuladCalendar;
import coursepulse.lms.oulad.OuladImport;
import coursepulse.lms.publish.EventPublisher;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.PublishableEvent;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The real-data rows of {@code bench --oulad}: the whole dataset imported and processed on the
 * embedded log and on RabbitMQ, each next to the raw client publishing and reading the same events
 * pre-encoded (docs/oulad.md).
 */
final class OuladBench {

  private final Path dir;
  private final BenchReport report;

  /** @param dir the OULAD tables */
  OuladBench(Path dir, BenchReport report) {
    this.dir = dir;
    this.report = report;
  }

  /** Measures {@code oulad-raw-publish}, {@code -import}, {@code -raw-consume}, {@code -process}. */
  void run(BenchNamespace.Opener namespaces) throws IOException, InterruptedException {
    List<byte[]> bodies = new ArrayList<>();
    try (OuladImport feed = open()) {
      for (PublishableEvent e = feed.next(); e != null; e = feed.next()) {
        bodies.add(e.toJson());
      }
      report.progress("OULAD %s: %,d events %s", feed.courseIds(), bodies.size(), feed.counts());
    }
    int n = bodies.size();
    for (LogOptions.Broker broker : List.of(LogOptions.Broker.EMBEDDED, LogOptions.Broker.RABBITMQ)) {
      String on = "-" + broker.name().toLowerCase(Locale.ROOT);
      try (BenchNamespace ns = namespaces.open(broker, "oulad")) {
        StreamLog streams = ns.log();
        streams.createStream(RawBaselines.STREAM, Retention.unlimited());
        double rawPublish = Throughput.rate(n, RawBaselines.publish(streams, bodies));
        report.progress("oulad-raw-publish%s %,.0f events/s", on, rawPublish);
        long t0 = System.nanoTime();
        try (OuladImport feed = open()) {
          new EventPublisher(Pacer.unlimited(), x -> {}).publish(feed, feed.producerName(), streams);
        }
        double imported = Throughput.rate(n, System.nanoTime() - t0);
        report.progress("oulad-import%s %,.0f events/s", on, imported);
        double rawConsume = Throughput.rate(n, RawBaselines.consume(streams, n, body -> {}));
        report.progress("oulad-raw-consume%s %,.0f events/s", on, rawConsume);
        double processed =
            Throughput.rate(n, BenchApp.processAll(streams, ns.stateDir(), "bench", n, false));
        report.progress("oulad-process%s %,.0f events/s", on, processed);
        report.add("oulad-raw-publish" + on, rawPublish, "events/s", null, 0);
        report.add("oulad-import" + on, imported, "events/s", "oulad-raw-publish" + on, rawPublish);
        report.add("oulad-raw-consume" + on, rawConsume, "events/s", null, 0);
        report.add("oulad-process" + on, processed, "events/s", "oulad-raw-consume" + on, rawConsume);
      }
    }
  }

  private OuladImport open() {
    return OuladImport.open(dir, List.of(), OuladCalendar.standard());
  }
}
