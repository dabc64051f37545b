package coursepulse.lms.risk;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.KeyValue;
import coursepulse.engine.KeyValueStore;
import coursepulse.engine.Serde;
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
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract that lets the application keep its state objects on the heap: a state object got
 * from a store is changed only when it is put back. Two runs over the same semester, one with
 * serialized stores (which drop any change not put back) and one with heap stores (which keep it),
 * must hold the same state, byte for byte, at the end of every simulated day.
 */
class HeapStateTest {

  @Test
  void shouldHoldTheSameStateOnTheHeapAsSerializedAtEveryDayEnd() {
    SimulationConfig config = SimulationConfig.defaults().withStudents(60).withDays(42);
    RiskTopology.Options options =
        RiskTopology.Options.forApplication("heap-state")
            .withRules(RulesConfig.DEFAULTS.withOnly(Rule.values()));
    Map<String, Serde<?>> serdes = RiskTopology.valueSerdes(options.rules());

    try (TestDriver serialized = new TestDriver(RiskTopology.build(options.withHeapStores(false)));
        TestDriver heap = new TestDriver(RiskTopology.build(options))) {
      Map<String, TestInputStream<byte[]>> a = inputs(serialized);
      Map<String, TestInputStream<byte[]>> b = inputs(heap);
      SimulationRun run = new Simulation(config).run();
      long day = Long.MIN_VALUE;
      int compared = 0;
      for (SimEvent e = run.next(); e != null; e = run.next()) {
        long t = e.occurredAt().toEpochMilli();
        if (t / 86_400_000L != day) {
          if (day != Long.MIN_VALUE) {
            assertSameState(heap, serialized, serdes, day);
            compared++;
          }
          day = t / 86_400_000L;
        }
        a.get(e.stream()).pipeRaw(e.toJson(), t);
        b.get(e.stream()).pipeRaw(e.toJson(), t);
      }
      assertSameState(heap, serialized, serdes, day);
      assertThat(compared).isGreaterThan(30);
      assertThat(contents(heap, serdes).get(RiskProcessor.ENROLLMENTS)).hasSizeGreaterThan(50);
    }
  }

  private static void assertSameState(
      TestDriver heap, TestDriver serialized, Map<String, Serde<?>> serdes, long day) {
    Map<String, List<String>> expected = contents(serialized, serdes);
    Map<String, List<String>> actual = contents(heap, serdes);
    for (String store : serdes.keySet()) {
      assertThat(actual.get(store))
          .as("store %s at the end of day %d", store, day)
          .containsExactlyElementsOf(expected.get(store));
    }
  }

  private static Map<String, TestInputStream<byte[]>> inputs(TestDriver driver) {
    Map<String, TestInputStream<byte[]>> inputs = new HashMap<>();
    for (String s : StreamNames.INPUTS) {
      inputs.put(s, driver.createInputStream(s, Serdes.ByteArray()));
    }
    return inputs;
  }

  /** Every store's entries in iteration order, values serialized: "key=hex". */
  @SuppressWarnings("unchecked")
  private static Map<String, List<String>> contents(TestDriver driver, Map<String, Serde<?>> serdes) {
    Map<String, List<String>> all = new HashMap<>();
    for (Map.Entry<String, Serde<?>> store : serdes.entrySet()) {
      KeyValueStore<String, Object> kv = driver.getKeyValueStore(store.getKey());
      Serde<Object> serde = (Serde<Object>) store.getValue();
      List<String> entries = new ArrayList<>();
      for (Iterator<KeyValue<String, Object>> it = kv.all(); it.hasNext(); ) {
        KeyValue<String, Object> e = it.next();
        entries.add(e.key() + "=" + HexFormat.of().formatHex(serde.serialize(e.value())));
      }
      all.put(store.getKey(), entries);
    }
    return all;
  }
}
