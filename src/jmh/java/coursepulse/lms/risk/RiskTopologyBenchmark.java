package coursepulse.lms.risk;

import coursepulse.engine.Serdes;
import coursepulse.engine.TestDriver;
import coursepulse.engine.TestInputStream;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The alerting application alone on one thread: a term of simulated students (1,000 students, 35
 * days, about 140,000 events) through a {@link TestDriver}, decoding included, no log and no
 * reader thread. What {@code bench}'s {@code processor} row spends on the task thread, without the
 * noise of the second core. {@code rules}: the defaults, or the four rules {@code bench}'s
 * hand-written {@code plain-java-rules} baseline implements ({@code processor-same-rules}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class RiskTopologyBenchmark {
  @Param({"defaults", "same-rules"})
  public String rules;

  private final List<String> streams = new ArrayList<>();
  private final List<byte[]> bodies = new ArrayList<>();
  private final List<Long> times = new ArrayList<>();
  private RulesConfig config;
  private int run;

  @Setup
  public void setUp() {
    SimulationRun term =
        new Simulation(SimulationConfig.defaults().withStudents(1_000).withDays(35)).run();
    for (SimEvent e = term.next(); e != null; e = term.next()) {
      streams.add(e.stream());
      bodies.add(e.toJson());
      times.add(e.occurredAt().toEpochMilli());
    }
    config = rules.equals("defaults")
        ? RulesConfig.DEFAULTS
        : RulesConfig.DEFAULTS.withOnly(
            Rule.LOGIN_INACTIVE, Rule.NO_SUBMISSIONS, Rule.MISSED_DEADLINES, Rule.ACTIVITY_DROP);
  }

  /** One term, from empty stores; returns the alert records written. */
  @Benchmark
  public int term() {
    int[] alerts = {0};
    try (TestDriver driver = new TestDriver(RiskTopology.build(
        RiskTopology.Options.forApplication("jmh-" + run++)
            .withRules(config)
            .withMetrics(RiskMetrics.none())
            .withAlertListener(a -> alerts[0]++)))) {
      Map<String, TestInputStream<byte[]>> inputs = new HashMap<>();
      for (String s : StreamNames.INPUTS) {
        inputs.put(s, driver.createInputStream(s, Serdes.ByteArray()));
      }
      for (int i = 0; i < bodies.size(); i++) {
        inputs.get(streams.get(i)).pipeRaw(bodies.get(i), times.get(i));
      }
    }
    return alerts[0];
  }
}
