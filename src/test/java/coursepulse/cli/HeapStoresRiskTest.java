package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.Serdes;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.TestDriver;
import coursepulse.engine.TestInputStream;
import coursepulse.engine.TestOutputStream;
import coursepulse.engine.Topology;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.RiskTopology;
import coursepulse.lms.risk.Rule;
import coursepulse.lms.risk.RulesConfig;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The alerting application with its key-value stores on the heap (its default) writes the same
 * alerts, byte for byte, as with serialized stores ({@code withHeapStores(false)}): the
 * application never keeps a change to a state object it did not put back. {@code
 * coursepulse.lms.risk.HeapStateTest} compares the stores' contents.
 */
class HeapStoresRiskTest {

  @Test
  void shouldWriteTheSameAlertsWithHeapStores() {
    SimulationConfig config = SimulationConfig.defaults().withStudents(120);

    List<String> serialized = alerts(config, RiskTopology.build(options().withHeapStores(false)));
    List<String> heap = alerts(config, RiskTopology.build(options()));

    assertThat(serialized).hasSizeGreaterThan(20);
    assertThat(heap).containsExactlyElementsOf(serialized);
  }

  /** Every rule keeps state in its slots: heap stores keep the very objects, the same alerts. */
  @Test
  void shouldWriteTheSameAlertsWithHeapStoresWithEveryRuleOn() {
    SimulationConfig config = SimulationConfig.defaults().withStudents(120).withDays(35);
    RiskTopology.Options all =
        options().withRules(RulesConfig.DEFAULTS.withOnly(Rule.values()));

    List<String> serialized = alerts(config, RiskTopology.build(all.withHeapStores(false)));
    List<String> heap = alerts(config, RiskTopology.build(all));

    assertThat(serialized).hasSizeGreaterThan(300);
    assertThat(heap).containsExactlyElementsOf(serialized);
  }

  private static RiskTopology.Options options() {
    return RiskTopology.Options.forApplication("heap-test");
  }

  private static List<String> alerts(SimulationConfig config, Topology topology) {
    List<String> out = new ArrayList<>();
    try (TestDriver driver = new TestDriver(topology)) {
      Map<String, TestInputStream<byte[]>> inputs = new HashMap<>();
      for (String s : StreamNames.INPUTS) {
        inputs.put(s, driver.createInputStream(s, Serdes.ByteArray()));
      }
      TestOutputStream<String, byte[]> alerts =
          driver.createOutputStream(StreamNames.ALERTS, Serdes.ByteArray());
      SimulationRun run = new Simulation(config).run();
      for (SimEvent e = run.next(); e != null; e = run.next()) {
        inputs.get(e.stream()).pipeRaw(e.toJson(), e.occurredAt().toEpochMilli());
      }
      for (StreamRecord<String, byte[]> r : alerts.readRecordsToList()) {
        out.add(new String(r.value(), java.nio.charset.StandardCharsets.UTF_8));
      }
    }
    return out;
  }
}
