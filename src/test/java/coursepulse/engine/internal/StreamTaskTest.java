package coursepulse.engine.internal;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.Consumed;
import coursepulse.engine.Processor;
import coursepulse.engine.ProcessorContext;
import coursepulse.engine.Serdes;
import coursepulse.engine.StreamRecord;
import coursepulse.engine.Topology;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StreamTaskTest {

  private final List<String> seen = new ArrayList<>();

  private StreamTask newTask() {
    Topology t =
        new Topology()
            .addSource("a", "A", Consumed.<String, String>with(Serdes.String()))
            .addSource("b", "B", Consumed.<String, String>with(Serdes.String()))
            .addProcessor(
                "p",
                () ->
                    new Processor<String, String, Void, Void>() {
                      private ProcessorContext<Void, Void> ctx;

                      @Override
                      public void init(ProcessorContext<Void, Void> c) {
                        ctx = c;
                      }

                      @Override
                      public void process(StreamRecord<String, String> r) {
                        seen.add(
                            ctx.recordMetadata().orElseThrow().stream() + r.value() + "@"
                                + r.timestamp());
                      }
                    },
                "a",
                "b");
    return TestTasks.initialised(t);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldRecordWhichSourceItTookWhenAnInputWasEmptyAndFollowThatOrderWhenRebuilt() {
    ProcessingOrder order = new ProcessingOrder(1 << 10);
    order.since(java.util.Map.of(), java.util.Map.of());
    StreamTask live = newTask();
    live.recordOrder(order);
    live.addRecord(0, 0, 10, b("a0"));
    live.addRecord(1, 0, 20, b("b0"));
    live.addRecord(0, 1, 50, b("a1"));
    // both inputs have a record: the smaller goes, and a replay takes it too
    live.process();
    live.process();
    live.process(); // B is empty: which record went is recorded
    assertThat(seen).containsExactly("Aa0@10", "Bb0@20", "Aa1@50");
    byte[] taken = order.since(java.util.Map.of(), java.util.Map.of());
    assertThat(taken).hasSize(2);
    assertThat(ProcessingOrder.kind(taken[0])).isEqualTo(ProcessingOrder.MERGED);
    assertThat(ProcessingOrder.length(taken[0])).isEqualTo(2);
    assertThat(ProcessingOrder.kind(taken[1])).isEqualTo(0);

    // rebuilt from the start with b1@40 in the log as well: the order first, then by timestamp
    seen.clear();
    StreamTask rebuilt = newTask();
    rebuilt.recordOrder(order);
    rebuilt.followOrder(order.following());
    rebuilt.addRecord(0, 0, 10, b("a0"));
    assertThat(rebuilt.process()).as("the merged record waits for every input").isFalse();
    rebuilt.addRecord(1, 0, 20, b("b0"));
    rebuilt.addRecord(1, 1, 40, b("b1"));
    rebuilt.addRecord(0, 1, 50, b("a1"));
    rebuilt.addRecord(0, 2, 60, b("a2"));
    while (rebuilt.process()) {}
    assertThat(seen).containsExactly("Aa0@10", "Bb0@20", "Aa1@50", "Bb1@40", "Aa2@60");
    assertThat(rebuilt.orderedSource()).as("order followed").isEqualTo(-1);
  }

  @Test
  void shouldProcessTheEarliestHeadFirstAndBreakTiesBySourceOrder() {
    StreamTask task = newTask();
    task.addRecord(1, 0, 10, b("b0"));
    task.addRecord(1, 1, 30, b("b1"));
    task.addRecord(0, 0, 20, b("a0"));
    task.addRecord(0, 1, 30, b("a1"));
    task.addRecord(0, 2, 5, b("a2")); // out of order inside A: stays behind a1
    while (task.process()) {}
    assertThat(seen).containsExactly("Bb0@10", "Aa0@20", "Aa1@30", "Aa2@5", "Bb1@30");
    assertThat(task.streamTime()).isEqualTo(30);
    assertThat(task.nextOffset(0)).isEqualTo(3);
    assertThat(task.nextOffset(1)).isEqualTo(2);
  }

  @Test
  void shouldProduceTheSameOrderWhateverTheBatchingOfInputs() {
    Random random = new Random(42);
    List<long[]> a = new ArrayList<>();
    List<long[]> bIn = new ArrayList<>();
    long ta = 0;
    long tb = 0;
    for (int i = 0; i < 200; i++) {
      ta += random.nextInt(5);
      tb += random.nextInt(5);
      a.add(new long[] {i, ta});
      bIn.add(new long[] {i, tb});
    }
    List<String> reference = null;
    for (int run = 0; run < 20; run++) {
      seen.clear();
      StreamTask task = newTask();
      int ia = 0;
      int ib = 0;
      Random batching = new Random(run);
      // Like the runtime: process only while both inputs have something buffered, else fetch.
      while (ia < a.size() || ib < bIn.size() || task.anyBuffered()) {
        if (task.allBuffered() || (ia == a.size() && ib == bIn.size())) {
          task.process();
          continue;
        }
        int n = 1 + batching.nextInt(7);
        for (int k = 0; k < n && ia < a.size(); k++, ia++) {
          task.addRecord(0, a.get(ia)[0], a.get(ia)[1], b("a" + ia));
        }
        n = 1 + batching.nextInt(7);
        for (int k = 0; k < n && ib < bIn.size(); k++, ib++) {
          task.addRecord(1, bIn.get(ib)[0], bIn.get(ib)[1], b("b" + ib));
        }
      }
      if (reference == null) {
        reference = new ArrayList<>(seen);
      } else {
        assertThat(seen).isEqualTo(reference);
      }
    }
    assertThat(reference).hasSize(400);
  }
}
