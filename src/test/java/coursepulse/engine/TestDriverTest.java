package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TestDriverTest {

  /** Values look like "key:payload"; the key is extracted from the value. */
  private static Consumed<String, String> keyed() {
    return Consumed.<String, String>with(Serdes.String())
        .withKeyExtractor(v -> v.substring(0, v.indexOf(':')));
  }

  /** Forwards "stream@offset/value" so tests see record metadata and order. */
  private static final class Tagger implements Processor<String, String, String, String> {
    private ProcessorContext<String, String> ctx;

    @Override
    public void init(ProcessorContext<String, String> context) {
      ctx = context;
    }

    @Override
    public void process(StreamRecord<String, String> r) {
      RecordMetadata m = ctx.recordMetadata().orElseThrow();
      ctx.forward(r.withValue(m.stream() + "@" + m.offset() + "/" + r.value()));
    }
  }

  private static Topology twoInputs() {
    return new Topology()
        .addSource("a", "in-a", keyed())
        .addSource("b", "in-b", keyed())
        .addProcessor("tag", Tagger::new, "a", "b")
        .addSink("out", "out", Produced.with(Serdes.String()), "tag");
  }

  @Test
  void shouldDeliverKeyValueTimestampAndMetadataToTheSink() {
    try (TestDriver d = new TestDriver(twoInputs())) {
      d.createInputStream("in-a", Serdes.String()).pipe("k1:x", 42L);
      StreamRecord<String, String> r =
          d.<String, String>createOutputStream("out", Serdes.String()).readRecord();
      assertThat(r).isEqualTo(new StreamRecord<>("k1", "in-a@0/k1:x", 42L));
      assertThat(d.streamTimeMs()).isEqualTo(42L);
    }
  }

  @Test
  void shouldRejectPipingIntoAStreamNoSourceReads() {
    try (TestDriver d = new TestDriver(twoInputs())) {
      assertThatThrownBy(() -> d.createInputStream("other", Serdes.String()))
          .hasMessageContaining("no source reads stream 'other'");
    }
  }

  @Test
  void shouldKeepStreamTimeAtTheLargestEventTimeWhenRecordsArriveOutOfOrder() {
    try (TestDriver d = new TestDriver(twoInputs())) {
      TestInputStream<String> in = d.createInputStream("in-a", Serdes.String());
      in.pipe("k:1", 100L);
      in.pipe("k:2", 50L);
      assertThat(d.streamTimeMs()).isEqualTo(100L);
    }
  }

  @Test
  void shouldSendUnreadableInputToTheDeadLetterStreamAndContinue() {
    Topology t =
        new Topology()
            .addSource("nums", "numbers", Consumed.with(Serdes.Long()))
            .addSink("out", "copy", Produced.with(Serdes.Long()), "nums");
    try (TestDriver d = TestDriver.builder(t).applicationId("app").build()) {
      TestInputStream<Long> in = d.createInputStream("numbers", Serdes.Long());
      in.pipe(1L, 10L);
      in.pipeRaw("oops".getBytes(StandardCharsets.UTF_8), 11L);
      in.pipe(2L, 12L);

      assertThat(d.createOutputStream("copy", Serdes.Long()).readValuesToList())
          .containsExactly(1L, 2L);
      List<String> dlq = d.createOutputStream("app-dlq", Serdes.String()).readValuesToList();
      assertThat(dlq)
          .containsExactly(
              "{\"stream\":\"numbers\",\"offset\":1,"
                  + "\"reason\":\"unreadable\","
                  + "\"detail\":\"IllegalArgumentException: Long needs 8 bytes, got 4\","
                  + "\"payload\":\"b29wcw==\"}");
      assertThat(d.deadLetterStream()).isEqualTo("app-dlq");
    }
  }

  @Test
  void shouldThrowFromPipeWhenTheHandlerChoosesFail() {
    Topology t =
        new Topology()
            .addSource("nums", "numbers", Consumed.with(Serdes.Long()))
            .addSink("out", "copy", Produced.with(Serdes.Long()), "nums");
    try (TestDriver d =
        TestDriver.builder(t)
            .deserializationExceptionHandler(DeserializationExceptionHandler.logAndFail())
            .build()) {
      assertThatThrownBy(
              () -> d.createInputStream("numbers", Serdes.Long()).pipeRaw(new byte[] {1}, 1L))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("numbers@0");
      assertThat(d.createOutputStream(d.deadLetterStream(), Serdes.String()).queueSize())
          .isEqualTo(1);
    }
  }

  @Test
  void shouldForwardDepthFirst() {
    List<String> seen = new ArrayList<>();
    class Node implements Processor<String, String, String, String> {
      private final String name;
      private ProcessorContext<String, String> ctx;

      Node(String name) {
        this.name = name;
      }

      @Override
      public void init(ProcessorContext<String, String> context) {
        ctx = context;
      }

      @Override
      public void process(StreamRecord<String, String> r) {
        seen.add(name + ":" + r.value());
        ctx.forward(r.withValue(r.value() + "+"));
      }
    }
    Topology t =
        new Topology()
            .addSource("s", "in", keyed())
            .addProcessor("p1", () -> new Node("p1"), "s")
            .addProcessor("p1a", () -> new Node("p1a"), "p1")
            .addProcessor("p2", () -> new Node("p2"), "s");
    try (TestDriver d = new TestDriver(t)) {
      d.createInputStream("in", Serdes.String()).pipe("k:v", 1L);
    }
    assertThat(seen).containsExactly("p1:k:v", "p1a:k:v+", "p2:k:v");
  }

  @Test
  void shouldFireWallClockPunctuatorsOnlyWhenTheWallClockAdvances() {
    List<Long> fired = new ArrayList<>();
    Topology t =
        new Topology()
            .addSource("s", "in", keyed())
            .addProcessor(
                "p",
                () ->
                    new Processor<String, String, Void, Void>() {
                      @Override
                      public void init(ProcessorContext<Void, Void> ctx) {
                        ctx.schedule(
                            Duration.ofSeconds(10), PunctuationType.WALL_CLOCK_TIME, fired::add);
                      }

                      @Override
                      public void process(StreamRecord<String, String> r) {}
                    },
                "s");
    try (TestDriver d = new TestDriver(t, java.time.Instant.ofEpochMilli(1_000))) {
      d.createInputStream("in", Serdes.String()).pipe("k:v", 999_999L);
      assertThat(fired).isEmpty();
      d.advanceWallClockTime(Duration.ofSeconds(9));
      assertThat(fired).isEmpty();
      d.advanceWallClockTime(Duration.ofSeconds(1));
      assertThat(fired).containsExactly(11_000L);
      d.advanceWallClockTime(Duration.ofSeconds(35));
      assertThat(fired).containsExactly(11_000L, 46_000L);
      d.advanceWallClockTime(Duration.ofSeconds(5));
      assertThat(fired).containsExactly(11_000L, 46_000L, 51_000L);
    }
  }

  @Test
  void shouldRefuseStoreAccessFromAProcessorNotConnectedToIt() {
    Topology t =
        new Topology()
            .addSource("s", "in", keyed())
            .addProcessor(
                "p",
                () ->
                    new Processor<String, String, Void, Void>() {
                      @Override
                      public void init(ProcessorContext<Void, Void> ctx) {
                        ctx.getStateStore("counts");
                      }

                      @Override
                      public void process(StreamRecord<String, String> r) {}
                    },
                "s")
            .addProcessor("q", Tagger::new, "s")
            .addStateStore(
                Stores.keyValueStoreBuilder("counts", Serdes.String(), Serdes.Long()), "q");
    assertThatThrownBy(() -> new TestDriver(t))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'p' is not connected to store 'counts'");
  }
}
