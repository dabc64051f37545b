package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TopologyTest {

  private static final Consumed<String, String> STRINGS = Consumed.with(Serdes.String());

  private static Processor<String, String, String, String> passThrough() {
    return new Processor<>() {
      private ProcessorContext<String, String> ctx;

      @Override
      public void init(ProcessorContext<String, String> context) {
        ctx = context;
      }

      @Override
      public void process(StreamRecord<String, String> record) {
        ctx.forward(record);
      }
    };
  }

  @Test
  void shouldRejectUnknownParent() {
    Topology t = new Topology().addSource("src", "in", STRINGS);
    assertThatThrownBy(() -> t.addProcessor("p", TopologyTest::passThrough, "nope"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown parent 'nope'");
  }

  @Test
  void shouldRejectDuplicateNodeName() {
    Topology t = new Topology().addSource("src", "in", STRINGS);
    assertThatThrownBy(() -> t.addProcessor("src", TopologyTest::passThrough, "src"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'src' already exists");
  }

  @Test
  void shouldRejectSecondSourceOnSameStream() {
    Topology t = new Topology().addSource("a", "in", STRINGS);
    assertThatThrownBy(() -> t.addSource("b", "in", STRINGS))
        .hasMessageContaining("already read by source 'a'");
  }

  @Test
  void shouldRejectSinkAsParentAndMissingParents() {
    Topology t =
        new Topology()
            .addSource("src", "in", STRINGS)
            .addSink("out", "o", Produced.with(Serdes.String()), "src");
    assertThatThrownBy(() -> t.addProcessor("p", TopologyTest::passThrough, "out"))
        .hasMessageContaining("cannot have sink 'out' as parent");
    assertThatThrownBy(() -> t.addProcessor("q", TopologyTest::passThrough))
        .hasMessageContaining("needs at least one parent");
  }

  @Test
  void shouldRejectStoreNotConnectedWhenBuildingARunner() {
    Topology t =
        new Topology()
            .addSource("src", "in", STRINGS)
            .addStateStore(
                Stores.keyValueStoreBuilder("orphan", Serdes.String(), Serdes.Long()));
    assertThatThrownBy(() -> new TestDriver(t))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("store 'orphan' is not connected");
  }

  @Test
  void shouldRejectConnectingUnknownStoreOrProcessor() {
    Topology t =
        new Topology().addSource("src", "in", STRINGS).addProcessor("p", TopologyTest::passThrough, "src");
    assertThatThrownBy(() -> t.connectProcessorAndStateStores("p", "missing"))
        .hasMessageContaining("no such store");
    assertThatThrownBy(
            () ->
                t.addStateStore(
                    Stores.keyValueStoreBuilder("s", Serdes.String(), Serdes.Long()), "ghost"))
        .hasMessageContaining("unknown processor 'ghost'");
  }

  @Test
  void shouldRejectTopologyWithoutSource() {
    assertThatThrownBy(() -> new TestDriver(new Topology())).hasMessageContaining("no source");
  }

  @Test
  void shouldDescribeSourcesProcessorsStoresAndSinks() {
    Topology t =
        new Topology()
            .addSource("logins", "02-Login", STRINGS)
            .addSource("activity", "03-Activity", STRINGS)
            .addProcessor("count", TopologyTest::passThrough, "logins", "activity")
            .addStateStore(
                Stores.windowStoreBuilder(
                    "counts", Duration.ofDays(2), Duration.ofDays(1), Serdes.String(),
                    Serdes.Long()),
                "count")
            .addSink("alerts", "04-Alerts", Produced.with(Serdes.String()), "count");

    assertThat(t.describe().toString())
        .isEqualTo(
            "Topology:\n"
                + "  Source: logins (stream: 02-Login)\n"
                + "    --> count\n"
                + "  Source: activity (stream: 03-Activity)\n"
                + "    --> count\n"
                + "  Processor: count (stores: [counts])\n"
                + "    --> alerts\n"
                + "    <-- logins, activity\n"
                + "  Sink: alerts (stream: 04-Alerts)\n"
                + "    <-- count\n");
    assertThat(t.describe().processors().get(0).stores()).containsExactly("counts");
  }
}
