package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.testing.CapturedLog;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stream-time guard on the real runtime: outliers dead-lettered, real jumps kept. */
class StreamTimeGuardTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;

  @TempDir Path stateDir;

  private final InMemoryStreamLog log = new InMemoryStreamLog(Clock.systemUTC());
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  /** Copies "name@time" values to "out" as "name@time st=<stream time when processed>". */
  private static Topology stamped(String... inputs) {
    Topology t = new Topology();
    String[] parents = new String[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      parents[i] = "src-" + inputs[i];
      t.addSource(
          parents[i],
          inputs[i],
          Consumed.<String, String>with(Serdes.String())
              .withKeyExtractor(v -> v)
              .withTimestampExtractor((v, ts) -> Long.parseLong(v.substring(v.indexOf('@') + 1))));
    }
    t.addProcessor(
        "stamp",
        () ->
            new Processor<String, String, String, String>() {
              ProcessorContext<String, String> ctx;

              @Override
              public void init(ProcessorContext<String, String> context) {
                ctx = context;
              }

              @Override
              public void process(StreamRecord<String, String> r) {
                ctx.forward(r.withValue(r.value() + " st=" + ctx.currentStreamTimeMs()));
              }
            },
        parents);
    return t.addSink("out", "out", Produced.with(Serdes.String()), "stamp");
  }

  private void append(String stream, String name, long time) {
    if (!log.streamExists(stream)) {
      log.createStream(stream, Retention.unlimited());
    }
    log.append(stream, 0L, (name + "@" + time).getBytes(StandardCharsets.UTF_8));
  }

  private List<String> read(String stream) {
    return read(log, stream);
  }

  private static long time(String stamped) {
    return Long.parseLong(stamped.substring(stamped.indexOf('@') + 1, stamped.indexOf(' ')));
  }

  private static List<String> read(InMemoryStreamLog log, String stream) {
    List<String> out = new ArrayList<>();
    if (!log.streamExists(stream)) {
      return out;
    }
    try (LogReader r = log.reader(stream, OffsetSpec.first())) {
      for (LogMessage m = r.poll(Duration.ZERO); m != null; m = r.poll(Duration.ZERO)) {
        out.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private List<String> run(Topology topology) throws Exception {
    return run(topology, true);
  }

  private List<String> run(Topology topology, boolean writeDeadLetters) throws Exception {
    log.createStream("out", Retention.unlimited());
    try (StreamEngine engine =
        StreamEngine.builder()
            .writeDeadLetters(writeDeadLetters)
            .applicationId("guard")
            .topology(topology)
            .log(log)
            .stateDir(stateDir)
            .meterRegistry(registry)
            .maxEventTimeAhead(Duration.ofDays(1))
            .build()) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).isTrue();
    }
    return read("out");
  }

  private double aheadCount() {
    return registry.get("coursepulse.engine.records.event.time.ahead").functionCounter().count();
  }

  @Test
  void shouldDeadLetterAnOutlierWithoutAdvancingStreamTime() throws Exception {
    for (int i = 0; i < 10; i++) {
      append("a", "a" + i, i * HOUR);
      if (i == 4) {
        append("a", "poison", 400 * DAY);
      }
    }

    CapturedLog logged = CapturedLog.of("coursepulse.engine.internal.StreamTask");
    List<String> out;
    try (logged) {
      out = run(stamped("a"));
    }

    assertThat(logged.events())
        .as("one WARN line says so")
        .filteredOn(e -> e.getLevel() == ch.qos.logback.classic.Level.WARN)
        .singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("a@5", "guard-dlq", "ahead"));
    assertThat(out).hasSize(10).noneMatch(v -> v.startsWith("poison"));
    assertThat(out.get(9)).isEqualTo("a9@" + 9 * HOUR + " st=" + 9 * HOUR);
    List<String> dlq = read("guard-dlq");
    assertThat(dlq).hasSize(1);
    assertThat(dlq.get(0))
        .contains("\"stream\":\"a\"", "\"offset\":5", "\"reason\":\"event-time-ahead\"");
    assertThat(aheadCount()).isEqualTo(1.0);
  }

  /** A replay counts dead letters without writing them: its WARN line must not claim otherwise. */
  @Test
  void shouldCountAnOutlierAndSayItWasNotWrittenWhenDeadLettersAreNotWritten() throws Exception {
    for (int i = 0; i < 10; i++) {
      append("a", i == 4 ? "poison" : "a" + i, i == 4 ? 400 * DAY : i * HOUR);
    }

    CapturedLog logged = CapturedLog.of("coursepulse.engine.internal.StreamTask");
    List<String> out;
    try (logged) {
      out = run(stamped("a"), false);
    }

    assertThat(logged.messages())
        .singleElement()
        .satisfies(m -> assertThat(m).contains("a@4", "no stream", "ahead").doesNotContain("guard-dlq"));
    assertThat(out).hasSize(9).noneMatch(v -> v.startsWith("poison"));
    assertThat(log.streamExists("guard-dlq")).as("dead-letter stream declared").isFalse();
    assertThat(aheadCount()).isEqualTo(1.0);
  }

  @Test
  void shouldKeepARealJumpAfterAQuietSpell() throws Exception {
    append("a", "before", 0);
    append("a", "after1", 10 * DAY);
    append("a", "after2", 10 * DAY + HOUR);

    List<String> out = run(stamped("a"));

    assertThat(out)
        .containsExactly(
            "before@0 st=0",
            "after1@" + 10 * DAY + " st=" + 10 * DAY,
            "after2@" + (10 * DAY + HOUR) + " st=" + (10 * DAY + HOUR));
    assertThat(read("guard-dlq")).isEmpty();
    assertThat(aheadCount()).isZero();
  }

  @Test
  void shouldReleaseAHeldRecordOnceAnotherInputCatchesUp() throws Exception {
    // a sparse input's last record (say a late drop) is far ahead of it, but not of the other
    append("sparse", "early", 0);
    append("sparse", "late", 5 * DAY);
    append("busy", "b0", 0);
    for (int d = 1; d <= 6; d++) {
      append("busy", "b" + d, d * DAY - HOUR);
    }

    List<String> out = run(stamped("sparse", "busy"));

    assertThat(out).hasSize(9).anyMatch(v -> v.startsWith("late@"));
    // released before anything at or above its time was processed: nothing came late
    assertThat(out).allSatisfy(v -> assertThat(v).endsWith(" st=" + time(v)));
    assertThat(read("guard-dlq")).isEmpty();
  }

  /**
   * Reviewer's defect (issue f5): the reference was the largest event time admitted from any
   * input, and admission happens at read-ahead. A sparse input read whole at start (enrollments
   * spanning the term) pushed it past a record seven days ahead of its own input's neighbours,
   * which was then processed, jumped stream time and made the following records late, or not,
   * depending on how far each reader had read. Judged against its own input's sequence it is an
   * outlier whatever the readers did: every run, with any read-ahead, gives the same outputs.
   */
  @Test
  void shouldDeadLetterARecordAheadOfItsOwnInputEvenWhenASparseInputSpansPastIt() throws Exception {
    List<String[]> appends = new ArrayList<>();
    // sparse: a record every 20 h to day 12.5, with one quiet spell of 40 h (held until the next
    // record shows that time moved on); read whole at start
    for (long h = 0; h <= 300; h += 20) {
      if (h != 120) {
        appends.add(new String[] {"sparse", "e" + h, Long.toString(h * HOUR)});
      }
    }
    for (int h = 0; h < 14 * 24; h += 5) {
      appends.add(new String[] {"busy", "b" + h, Long.toString(h * HOUR)});
      if (h == 5 * 24) {
        appends.add(new String[] {"busy", "wrong", Long.toString(12 * DAY)});
      }
    }
    List<String> expected = new ArrayList<>();
    appends.stream()
        .filter(a -> !a[1].equals("wrong"))
        .sorted(
            java.util.Comparator.<String[]>comparingLong(a -> Long.parseLong(a[2]))
                .thenComparing(a -> a[0].equals("sparse") ? 0 : 1))
        .forEach(a -> expected.add(a[1] + "@" + a[2]));

    int[] buffers = {1, 2, 3, 7, 1000};
    for (int run = 0; run < 20; run++) {
      InMemoryStreamLog fresh = new InMemoryStreamLog(Clock.systemUTC());
      for (String[] a : appends) {
        if (!fresh.streamExists(a[0])) {
          fresh.createStream(a[0], Retention.unlimited());
        }
        fresh.append(a[0], 0L, (a[1] + "@" + a[2]).getBytes(StandardCharsets.UTF_8));
      }
      fresh.createStream("out", Retention.unlimited());
      int buffer = buffers[run % buffers.length];
      try (StreamEngine engine =
          StreamEngine.builder()
              .applicationId("guard")
              .topology(stamped("sparse", "busy"))
              .log(fresh)
              .stateDir(stateDir.resolve("run" + run))
              .maxBufferedRecordsPerSource(buffer)
              .maxEventTimeAhead(Duration.ofDays(1))
              .build()) {
        engine.start();
        assertThat(engine.awaitIdle(WAIT)).isTrue();
      }
      List<String> out = read(fresh, "out");
      assertThat(out)
          .as("run %d, %d records buffered per input", run, buffer)
          .extracting(v -> v.substring(0, v.indexOf(' ')))
          .containsExactlyElementsOf(expected);
      assertThat(out)
          .as("run %d: stream time never jumped, nothing came late", run)
          .allSatisfy(v -> assertThat(v).endsWith(" st=" + time(v)));
      assertThat(read(fresh, "guard-dlq"))
          .as("run %d", run)
          .singleElement()
          .asString()
          .contains("\"stream\":\"busy\"", "\"reason\":\"event-time-ahead\"");
    }
  }

  /**
   * Decision for the end of an input (issue 20): a record too far ahead with nothing after it is
   * neither processed nor dead-lettered on a guess. It stays held and unread, exactly as a live
   * run holds it at that instant, so a bounded run still ends (idle) and its checkpoint resumes
   * from the held record; the next run, seeing what came after it, decides.
   */
  @Test
  void shouldHoldTheLastRecordOfAnInputUntilTheNextRunSeesWhatFollows() throws Exception {
    append("in", "a1", HOUR);
    append("in", "a2", 2 * HOUR);
    append("in", "a3", 2 * HOUR + 3 * DAY); // the input's last record, three days ahead

    assertThat(names(run(stamped("in")))).as("first run: a3 held, the run still ends").containsExactly("a1", "a2");
    assertThat(aheadCount()).isZero();

    append("in", "a4", 3 * HOUR); // back in the present: a3 was an outlier
    assertThat(names(run(stamped("in")))).as("second run resumes at a3").containsExactly("a1", "a2", "a4");
    assertThat(read("guard-dlq")).singleElement().asString()
        .contains("\"stream\":\"in\"", "\"offset\":2", "\"reason\":\"event-time-ahead\"");
  }

  private static List<String> names(List<String> values) {
    return values.stream().map(v -> v.substring(0, v.indexOf('@'))).toList();
  }
}
