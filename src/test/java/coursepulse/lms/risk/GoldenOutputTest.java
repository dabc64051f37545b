package coursepulse.lms.risk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import coursepulse.engine.Serdes;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.TestDriver;
import coursepulse.engine.TestInputStream;
import coursepulse.engine.TestOutputStream;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.simulator.SimEvent;
import coursepulse.lms.simulator.Simulation;
import coursepulse.lms.simulator.SimulationConfig;
import coursepulse.lms.simulator.SimulationRun;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Pins the exact bytes of 04-Alerts and 05-Risk for a small default simulation, so that a
 * refactoring of the rules (issue 18) can show it changed no output. The hashes were taken on the
 * code before the rules moved into their own files; a deliberate behaviour change updates them.
 */
class GoldenOutputTest {
  static final String ALERTS_SHA256 =
      "491 alerts b9afa9ac1c0da7307635da7075f56f3ac9e292621c6834e917f16c56319f8bfe";
  static final String RISK_SHA256 =
      "7128 risk 599c5984fb4c411293cf1b10b698d7f747a6b9edce3a01a7315a3bd955a0d88c";

  @Test
  void defaultSimulationGivesTheSameAlertAndRiskBytes() throws Exception {
    Simulation sim =
        new Simulation(SimulationConfig.defaults().withStudents(200).withDays(35));
    MessageDigest alerts = MessageDigest.getInstance("SHA-256");
    MessageDigest risk = MessageDigest.getInstance("SHA-256");
    long alertCount = 0;
    long riskCount = 0;
    try (TestDriver driver = new TestDriver(RiskTopology.build(
        RiskTopology.Options.forApplication("golden")
            .withMetrics(RiskMetrics.none())
            .withRiskStream(StreamNames.RISK)))) {
      Map<String, TestInputStream<byte[]>> inputs = new HashMap<>();
      for (String s : StreamNames.INPUTS) {
        inputs.put(s, driver.createInputStream(s, Serdes.ByteArray()));
      }
      TestOutputStream<String, byte[]> alertOut =
          driver.createOutputStream(StreamNames.ALERTS, Serdes.ByteArray());
      TestOutputStream<String, byte[]> riskOut =
          driver.createOutputStream(StreamNames.RISK, Serdes.ByteArray());
      SimulationRun run = sim.run();
      for (SimEvent e = run.next(); e != null; e = run.next()) {
        inputs.get(e.stream()).pipeRaw(e.toJson(), e.occurredAt().toEpochMilli());
      }
      for (StreamRecord<String, byte[]> r : alertOut.readRecordsToList()) {
        alerts.update(r.value());
        alertCount++;
      }
      for (StreamRecord<String, byte[]> r : riskOut.readRecordsToList()) {
        risk.update(r.value());
        riskCount++;
      }
    }
    HexFormat hex = HexFormat.of();
    String got = alertCount + " alerts " + hex.formatHex(alerts.digest())
        + "\n" + riskCount + " risk " + hex.formatHex(risk.digest());
    assertEquals(ALERTS_SHA256 + "\n" + RISK_SHA256, got);
  }
}
