package coursepulse.cli;

import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.Progress;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationPublisher;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The throughput rows of {@code bench} on the configured broker, all in one namespace over the same
 * events: {@code raw-publish}, {@code producer}, then {@code rounds} interleaved rounds of {@code
 * raw-consume}, {@code raw-decode}, {@code plain-java-rules}, {@code processor-same-rules} (the
 * processor running only the rules {@code plain-java-rules} implements, so that the two do the
 * same work), {@code processor}, {@code processor-heap} and {@code replay}, each row keeping its
 * best round.
 */
final class ThroughputBench {

  private final int rounds;
  private final Throughput throughput;
  private final BenchReport report;

  ThroughputBench(int rounds, Throughput throughput, BenchReport report) {
    this.rounds = rounds;
    this.throughput = throughput;
    this.report = report;
  }

  /**
   * Measures every row over the first {@code maxEvents} events of {@code config}'s semester and
   * adds the rows in the table's order.
   *
   * @return the number of events each row handled
   */
  int run(
      BenchNamespace.Opener namespaces, LogOptions.Broker broker, SimulationConfig config,
      long maxEvents) throws IOException, InterruptedException {
    List<byte[]> bodies = RawBaselines.encode(new Simulation(config), maxEvents);
    int n = bodies.size();
    long bytes = 0;
    for (byte[] b : bodies) {
      bytes += b.length;
    }
    report.progress("semester of %,d students: %,d events, %.0f bytes on average",
        config.students(), n, bytes / (double) n);
    try (BenchNamespace ns = namespaces.open(broker, "throughput")) {
      StreamLog streams = ns.log();
      streams.createStream(RawBaselines.STREAM, Retention.unlimited());
      double rawPublish = Throughput.rate(n, RawBaselines.publish(streams, bodies));
      bodies = null; // let the pre-encoded copies go before the application runs
      report.progress("raw-publish %,.0f events/s", rawPublish);
      long t0 = System.nanoTime();
      Progress p =
          new SimulationPublisher(Pacer.unlimited(), x -> {})
              .publish(new Simulation(config), streams, n);
      double producer = Throughput.rate(n, System.nanoTime() - t0);
      report.progress("producer %,.0f events/s (%d events)", producer, p.total());
      report.add("raw-publish", rawPublish, "events/s", null, 0);
      report.add("producer", producer, "events/s", "raw-publish", rawPublish);
      consumeRounds(ns, n);
    }
    return n;
  }

  /** The rows from {@code raw-consume} on, over the {@code n} events already published. */
  private void consumeRounds(BenchNamespace ns, int n) throws InterruptedException {
    StreamLog streams = ns.log();
    Throughput.Measured rawConsume = null;
    Throughput.Measured rawDecode = null;
    Throughput.Measured plainRules = null;
    Throughput.Measured sameRules = null;
    Throughput.Measured processor = null;
    Throughput.Measured processorHeap = null;
    Throughput.Measured replay = null;
    // Interleaved rounds: a burst of load from other processes hits every phase alike.
    for (int round = 1; round <= rounds; round++) {
      rawConsume =
          throughput
              .measure("raw-consume", round, n, () -> RawBaselines.consume(streams, n, b -> {}))
              .best(rawConsume);
      rawDecode =
          throughput
              .measure("raw-decode", round, n,
                  () -> RawBaselines.consume(streams, n, RawBaselines::decode))
              .best(rawDecode);
      PlainJavaRules plain = new PlainJavaRules(PlainJavaRules.SAME_RULES);
      plainRules =
          throughput
              .measure("plain-java-rules", round, n,
                  () -> RawBaselines.consume(streams, n, b -> plain.accept(EventCodec.decode(b))))
              .best(plainRules);
      int r = round;
      AtomicLong sameRulesAlerts = new AtomicLong();
      sameRules =
          throughput
              .measure("processor-same-rules", round, n,
                  () -> BenchApp.processAll(
                      streams, ns.stateDir().resolve("same-" + r), "bench-same-" + r, n, false,
                      PlainJavaRules.SAME_RULES, alert -> sameRulesAlerts.incrementAndGet()))
              .best(sameRules);
      report.progress(
          "alerts opened or resolved: plain-java-rules %,d, processor-same-rules %,d",
          plain.alerts(), sameRulesAlerts.get());
      processor =
          throughput
              .measure("processor", round, n,
                  () -> BenchApp.processAll(
                      streams, ns.stateDir().resolve("round-" + r), "bench-" + r, n, false))
              .best(processor);
      processorHeap =
          throughput
              .measure("processor-heap", round, n,
                  () -> BenchApp.processAll(
                      streams, ns.stateDir().resolve("heap-" + r), "bench-heap-" + r, n, true))
              .best(processorHeap);
      replay =
          throughput
              .measure("replay", round, n,
                  () -> ReplayBench.replayAll(
                      streams, ns.stateDir().resolve("replay-" + r), "bench-replay-" + r, n))
              .best(replay);
    }
    report.addThroughput("raw-consume", rawConsume, null, null, processor);
    report.addThroughput("processor", processor, "raw-consume", rawConsume, null);
    report.addThroughput("raw-decode", rawDecode, "raw-consume", rawConsume, processor);
    report.addThroughput("plain-java-rules", plainRules, "raw-decode", rawDecode, processor);
    report.addThroughput("processor-same-rules", sameRules, "plain-java-rules", plainRules, null);
    report.addThroughput("processor-heap", processorHeap, "processor", processor, null);
    report.addThroughput("replay", replay, "processor", processor, null);
  }
}
