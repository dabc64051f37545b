package coursepulse.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coursepulse.engine.log.GroupMembership;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.LogWriter;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.PartitionListener;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.io.embedded.EmbeddedStreamLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine over partitioned sources, on the embedded log's partitioned streams and groups: one
 * task per partition, spread over the engines of one application id, moving (with its state, from
 * the checkpoint stream) when an engine joins or leaves; the outputs always equal one engine's run
 * over plain streams.
 */
class PartitionedStreamEngineTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int PARTITIONS = 3;

  @TempDir Path tmp;

  private final EmbeddedStreamLog partitioned = EmbeddedStreamLog.inMemory();
  private final EmbeddedStreamLog plain = EmbeddedStreamLog.inMemory();
  private final List<StreamEngine> engines = new ArrayList<>();
  // The engines' taskThreads (0: a thread per task).
  private int taskThreads;
  // The first engine's taskStopTimeout in handOnTaskOne (the builder's default unless a test sets it).
  private Duration firstEngineStopTimeout = Duration.ofSeconds(60);

  @AfterEach
  void close() {
    engines.forEach(StreamEngine::close);
    partitioned.close();
    plain.close();
  }

  @Test
  void shouldRunOneTaskPerPartitionAndEqualThePlainRun() throws Exception {
    createStreams();
    List<String> records = records(0, 300);
    write(records);
    StreamEngine engine = engine(partitioned, "one");
    engine.start();
    assertThat(engine.awaitIdle(WAIT)).isTrue();

    assertThat(outputs(partitioned)).containsExactlyInAnyOrderElementsOf(plainRun(records));
    assertThat(partitioned.streamExists("app-checkpoints")).isTrue();
  }

  @Test
  void shouldMoveTasksWithTheirStateWhenAnEngineJoinsAndLeaves() throws Exception {
    createStreams();
    List<String> all = records(0, 600);
    write(all.subList(0, 200));
    StreamEngine first = engine(partitioned, "first");
    first.start();
    assertThat(first.awaitIdle(WAIT)).isTrue();

    // joins: takes partition 1 (k % 2 == 1), restoring it from the checkpoint stream, since it
    // has no local state of its own
    StreamEngine second = engine(partitioned, "second");
    second.start();
    write(all.subList(200, 400));
    awaitOutputs(400);
    awaitHolder(1, "second");

    // leaves: its task goes back to the first engine, again through the checkpoint stream
    second.close();
    finishOnTheFirstEngine(first, all);
  }

  /**
   * Writes the last third of {@code all}, waits for every output and checks them against one
   * engine's plain run (each output once), then that the first engine checkpointed every task last.
   */
  private void finishOnTheFirstEngine(StreamEngine first, List<String> all) throws Exception {
    write(all.subList(400, 600));
    awaitOutputs(600);
    assertThat(first.awaitIdle(WAIT)).isTrue();
    assertThat(outputs(partitioned)).containsExactlyInAnyOrderElementsOf(plainRun(all));
    first.close();
    List<TaskStatus> status = StreamEngine.taskStatus(partitioned, "app", PARTITIONS);
    assertThat(status).extracting(TaskStatus::task).containsExactly(0, 1, 2);
    assertThat(status).extracting(TaskStatus::instance).containsOnly("first");
  }

  @Test
  void shouldHandOnARevokedTaskThatCannotStopAndStartItsSuccessorAfterIt() throws Exception {
    List<String> all = records(0, 600);
    StallingOutputsLog stalling = new StallingOutputsLog(partitioned);
    Pair pair = handOnTaskOne(stalling, all);

    // The second engine leaves while the first one's old task 1 still hangs: the first engine
    // gets partition 1 again, and its new task waits for the old one to end.
    pair.second().close();
    stalling.release();
    // Effectively once: the old task wrote nothing after it was handed on (not even a final
    // checkpoint), and the outputs are the plain run's, each once.
    finishOnTheFirstEngine(pair.first(), all);
  }

  @Test
  void shouldStillWaitForAHandedOnTaskWhenTheSuccessorWaitingForItWasRevoked() throws Exception {
    List<String> all = records(0, 600);
    StallingOutputsLog stalling = new StallingOutputsLog(partitioned);
    Pair pair = handOnTaskOne(stalling, all);

    // Partition 1 comes back to the first engine while its old task still hangs, and goes again
    // before the new task could start (a third engine joins), then comes back once more. The
    // last task must wait for the old one too: started at once, it met the state directory the
    // old one still locks, and the whole instance failed (CI run 80).
    pair.second().close();
    StreamEngine third = engine(partitioned, "third");
    third.start();
    awaitHolder(1, "third");
    third.close();
    stalling.release();
    finishOnTheFirstEngine(pair.first(), all);
    assertThat(pair.first().failure()).isEmpty();
  }

  @Test
  void shouldFailTheInstanceWithAClearMessageWhenAStoppedTaskOutlastsTheStopTimeout()
      throws Exception {
    List<String> all = records(0, 600);
    StallingOutputsLog stalling = new StallingOutputsLog(partitioned);
    firstEngineStopTimeout = Duration.ofSeconds(2);
    Pair pair = handOnTaskOne(stalling, all);

    // Partition 1 comes back while the old task still hangs, and keeps hanging past the stop
    // timeout: the new task must not start on the directory the old one locks, and the instance
    // must not wait without end either.
    pair.second().close();
    StreamEngine first = pair.first();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (first.state() != StreamEngine.State.ERROR && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(first.state()).isEqualTo(StreamEngine.State.ERROR);
    assertThat(first.failure())
        .get()
        .extracting(Throwable::getMessage)
        .asString()
        .contains("task 1 cannot start: 1 stopped task(s) of its partition on this instance")
        .contains("still run after 2.0 s")
        .doesNotContain("locked by another");
    stalling.release();
  }

  private record Pair(StreamEngine first, StreamEngine second) {}

  /**
   * Runs the first engine (on {@code stalling}) over the first third of {@code all}, makes its
   * tasks hang in their next flush of "out" while writing the second third, and has a second
   * engine join: partition 1 is revoked from the first engine while its task cannot stop, and
   * handed on.
   */
  private Pair handOnTaskOne(StallingOutputsLog stalling, List<String> all)
      throws Exception {
    createStreams();
    write(all.subList(0, 200));
    StreamEngine first = engine(stalling, "first", b -> b.taskStopTimeout(firstEngineStopTimeout));
    first.start();
    assertThat(first.awaitIdle(WAIT)).isTrue();

    stalling.stall();
    write(all.subList(200, 400));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!stalling.stuck().contains("app-1-out") && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(stalling.stuck()).as("writers hanging in a flush").contains("app-1-out");
    StreamEngine second = engine(partitioned, "second");
    second.start();
    // Handed on after the revocation's short wait, not after the task's stop (which would take
    // as long as the stall, longer than WAIT): the second engine checkpoints task 1.
    awaitHolder(1, "second");
    return new Pair(first, second);
  }

  @Test
  void shouldWriteTheSameOutputsOnOneTwoOrFourTaskThreads() throws Exception {
    createStreams();
    List<String> records = records(0, 900);
    Map<String, List<String>> expected = perKey(plainRun(records));
    for (int threads : new int[] {1, 2, 4}) {
      try (EmbeddedStreamLog log = EmbeddedStreamLog.inMemory()) {
        assertThat(runOnTaskThreads(log, log, records, threads))
            .as("%d task threads", threads)
            .isEqualTo(expected);
      }
    }
  }

  @Test
  void shouldWriteTheSameOutputsOnSharedTaskThreadsWhenReadersCannotTellTheirEnd()
      throws Exception {
    // Readers that answer UNKNOWN (as RabbitMQ 3.11+ live): a task decides that an empty input
    // ended only after a whole wait window, which on a shared thread spans several passes.
    createStreams();
    List<String> records = records(0, 600);
    Map<String, List<String>> expected = perKey(plainRun(records));
    try (EmbeddedStreamLog log = EmbeddedStreamLog.inMemory()) {
      assertThat(runOnTaskThreads(log, new UnknownEndLog(log), records, 2)).isEqualTo(expected);
    }
  }

  /**
   * Writes {@code records} to fresh partitioned inputs in {@code log}, runs the engine over {@code
   * view} of it on {@code threads} task threads until idle, and returns the outputs by key.
   */
  private Map<String, List<String>> runOnTaskThreads(
      EmbeddedStreamLog log, StreamLog view, List<String> records, int threads) throws Exception {
    log.createSuperStream("in-a", PARTITIONS, Retention.unlimited());
    log.createSuperStream("in-b", PARTITIONS, Retention.unlimited());
    log.createStream("out", Retention.unlimited());
    write(log, records);
    taskThreads = threads;
    StreamEngine engine = engine(view, "threads-" + threads);
    engine.start();
    assertThat(engine.awaitIdle(WAIT)).isTrue();
    // Each key's outputs come from one task, in its processing order: compared key by key, in
    // order (which source's record got which count shows the merge order).
    Map<String, List<String>> out = perKey(outputs(log));
    assertThat(engineThreads())
        .as("threads running the %d tasks", PARTITIONS)
        .isEqualTo(Math.min(threads, PARTITIONS));
    if (view == log) {
      // The embedded readers decode on threads of their own only beside a core to spare.
      boolean coreToSpare = threads < Runtime.getRuntime().availableProcessors();
      assertThat(decodingThreads())
          .as("embedded readers decoding ahead, %d task threads", threads)
          .isEqualTo(coreToSpare ? 2L * PARTITIONS : 0);
    }
    engine.close();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (engineThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return out;
  }

  /** A view of the embedded log that keeps its partitions and groups. */
  private abstract static class PartitionedView extends ForwardingStreamLog {
    PartitionedView(EmbeddedStreamLog delegate, String label) {
      super(delegate, label);
    }

    @Override
    public List<String> partitions(String stream) {
      return delegate.partitions(stream);
    }

    @Override
    public GroupMembership joinGroup(String group, String stream, PartitionListener listener) {
      return delegate.joinGroup(group, stream, listener);
    }
  }

  /** The embedded log with readers that cannot tell their end: the engine asks the log. */
  private static final class UnknownEndLog extends PartitionedView {
    UnknownEndLog(EmbeddedStreamLog delegate) {
      super(delegate, "unknown-end");
    }

    @Override
    public LogReader reader(String stream, OffsetSpec from) {
      return new ForwardingLogReader(delegate.reader(stream, from)) {
        @Override
        public Catchup catchup() {
          return Catchup.UNKNOWN;
        }
      };
    }
  }

  /**
   * The embedded log whose "out" writers, once {@link #stall} is called, hang in {@code flush}
   * until {@link #release}, whatever the timeout: a stream client waiting on a cluster that elects
   * leaders.
   */
  private static final class StallingOutputsLog extends PartitionedView {
    private final CountDownLatch released = new CountDownLatch(1);
    private final Set<String> stuck = ConcurrentHashMap.newKeySet();
    private volatile boolean stalled;

    StallingOutputsLog(EmbeddedStreamLog delegate) {
      super(delegate, "stalling-outputs");
    }

    void stall() {
      stalled = true;
    }

    void release() {
      stalled = false;
      released.countDown();
    }

    /** The producer names of the writers hanging in a flush now. */
    Set<String> stuck() {
      return Set.copyOf(stuck);
    }

    @Override
    public LogWriter writer(String stream, String producerName) {
      LogWriter w = delegate.writer(stream, producerName);
      if (!stream.equals("out")) {
        return w;
      }
      return new ForwardingLogWriter(w) {
        @Override
        public void flush(Duration timeout) {
          if (stalled) {
            stuck.add(producerName);
            try {
              released.await(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            } finally {
              stuck.remove(producerName);
            }
          }
          delegate.flush(timeout);
        }
      };
    }
  }

  /** Live threads of embedded readers that decode ahead for the tasks' inputs. */
  private static long decodingThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("coursepulse-embedded-decode-in-"))
        .count();
  }

  /** Live threads running tasks of application "app" (per task or shared). */
  private static long engineThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("coursepulse-engine-app-"))
        .count();
  }

  @Test
  void shouldMoveTasksBetweenEnginesOnOneTaskThreadEach() throws Exception {
    taskThreads = 1;
    shouldMoveTasksWithTheirStateWhenAnEngineJoinsAndLeaves();
  }

  /** Outputs ("stream:key=count") by key, each key's in the order they were written. */
  private static Map<String, List<String>> perKey(List<String> outputs) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String o : outputs) {
      String key = o.substring(o.indexOf(':') + 1, o.indexOf('='));
      out.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
    }
    return out;
  }

  @Test
  void shouldRefuseSourcesThatAreNotPartitionedAlike() {
    partitioned.createSuperStream("in-a", PARTITIONS, Retention.unlimited());
    partitioned.createStream("in-b", Retention.unlimited());
    partitioned.createStream("out", Retention.unlimited());
    assertThatThrownBy(() -> engine(partitioned, "x"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("in-a has 3 partitions, in-b is a plain stream");
  }

  /** Polls until the newest checkpoint of {@code task} was written by {@code instance}. */
  private void awaitHolder(int task, String instance) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    String holder = null;
    while (System.nanoTime() < deadline && !instance.equals(holder)) {
      holder =
          StreamEngine.taskStatus(partitioned, "app", PARTITIONS).stream()
              .filter(t -> t.task() == task)
              .map(TaskStatus::instance)
              .findFirst()
              .orElse(null);
      Thread.sleep(20);
    }
    assertThat(holder).as("instance checkpointing task %d", task).isEqualTo(instance);
  }

  /** Polls until "out" holds {@code n} records: a task that moved restores before it goes on. */
  private void awaitOutputs(long n) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    long have = 0;
    while (System.nanoTime() < deadline) {
      have = partitioned.stats("out").map(s -> s.lastOffset() + 1).orElse(0L);
      if (have >= n) {
        break;
      }
      Thread.sleep(20);
    }
    assertThat(have).as("outputs").isEqualTo(n);
  }

  private void createStreams() {
    partitioned.createSuperStream("in-a", PARTITIONS, Retention.unlimited());
    partitioned.createSuperStream("in-b", PARTITIONS, Retention.unlimited());
    partitioned.createStream("out", Retention.unlimited());
    for (String s : List.of("in-a", "in-b", "out")) {
      plain.createStream(s, Retention.unlimited());
    }
  }

  /** "key@timestamp" values over ten keys, alternating between the two sources by index. */
  private static List<String> records(int from, int to) {
    List<String> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add("k" + (i * 7 % 10) + "@" + (i * 10L));
    }
    return out;
  }

  private static String sourceOf(int index) {
    return index % 2 == 0 ? "in-a" : "in-b";
  }

  /** Appends records to the partition of their key, as a partitioned producer does. */
  private void write(List<String> values) {
    write(partitioned, values);
  }

  private static void write(EmbeddedStreamLog partitioned, List<String> values) {
    for (String v : values) {
      int index = Integer.parseInt(v.substring(v.indexOf('@') + 1)) / 10;
      String key = v.substring(0, v.indexOf('@'));
      String stream = sourceOf(index);
      String partition =
          partitioned.partitions(stream).get(partitioned.partitionFor(key, PARTITIONS));
      try (LogWriter w = partitioned.writer(partition, null)) {
        w.append(0, v.getBytes(StandardCharsets.UTF_8));
        w.flush(WAIT);
      }
    }
  }

  private List<String> plainRun(List<String> values) throws Exception {
    for (String v : values) {
      int index = Integer.parseInt(v.substring(v.indexOf('@') + 1)) / 10;
      try (LogWriter w = plain.writer(sourceOf(index), null)) {
        w.append(0, v.getBytes(StandardCharsets.UTF_8));
        w.flush(WAIT);
      }
    }
    try (StreamEngine engine = engine(plain, "plain")) {
      engine.start();
      assertThat(engine.awaitIdle(WAIT)).isTrue();
    }
    return outputs(plain);
  }

  private StreamEngine engine(StreamLog log, String instance) {
    return engine(log, instance, b -> {});
  }

  private StreamEngine engine(
      StreamLog log, String instance, Consumer<StreamEngine.Builder> settings) {
    StreamEngine.Builder builder =
        StreamEngine.builder()
            .applicationId("app")
            .instanceName(instance)
            .topology(countingTopology())
            .log(log)
            .stateDir(tmp.resolve(instance + "-" + System.nanoTime()))
            .checkpointInterval(Duration.ofMillis(50))
            .taskThreads(taskThreads);
    settings.accept(builder);
    StreamEngine engine = builder.build();
    engines.add(engine);
    return engine;
  }

  private static Topology countingTopology() {
    Consumed<String, String> keyedAt =
        Consumed.<String, String>with(Serdes.String())
            .withKeyExtractor(v -> v.substring(0, v.indexOf('@')))
            .withTimestampExtractor((v, logTs) -> Long.parseLong(v.substring(v.indexOf('@') + 1)));
    return new Topology()
        .addSource("a", "in-a", keyedAt)
        .addSource("b", "in-b", keyedAt)
        .addProcessor("count", StreamEngineTest.Counter::new, "a", "b")
        .addStateStore(Stores.keyValueStoreBuilder("counts", Serdes.String(), Serdes.Long()), "count")
        .addSink("out", "out", Produced.with(Serdes.String()), "count");
  }

  private static List<String> outputs(StreamLog log) {
    List<String> values = new ArrayList<>();
    long expected = log.stats("out").map(s -> s.lastOffset() + 1).orElse(0L);
    try (LogReader r = log.reader("out", OffsetSpec.first())) {
      LogMessage m;
      while (values.size() < expected && (m = r.poll(WAIT)) != null) {
        values.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return values;
  }
}
