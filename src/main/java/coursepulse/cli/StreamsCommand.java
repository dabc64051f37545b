package coursepulse.cli;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.TaskStatus;
import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamStats;
import coursepulse.engine.log.UnsupportedByLogException;
import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.AlertingApp;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Lists the product's streams with their offsets and consumers' positions; creates them. */
@Command(
    name = "streams",
    header = "Lists the streams coursepulse uses, their counts and each application's lag; creates them.",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the streams coursepulse uses: first offset, offset of the newest message, message"
          + " count and the stored offset of each application's named consumer, with the lag its"
          + " next run will have in messages and in time (log time of the newest message minus"
          + " that of the last processed one). Counts are of messages: RabbitMQ's offset-tracking"
          + " entries (one per stored offset) take offsets but are not counted. Streams spanning"
          + " more than a million offsets are not read: their figures are estimates (~).",
      "Also lists, when they exist, 05-Risk, each application's <id>-alerts, <id>-risk, <id>-dlq"
          + " and <id>-refused, and ingest-dlq. Where 'reset' left a marker in --state-dir, the"
          + " consumer shows the marker's position (where its next run starts) instead of the"
          + " stored offset it overrides.",
      "With --create, declares the input streams 01-Enrollment, 02-Login, 03-Activity and the"
          + " output stream 04-Alerts (existing streams are left as they are).",
      "With --create --partitions N (N > 1, RabbitMQ 3.11 or newer), the input streams are super"
          + " streams of N partitions each (<name>-0 to <name>-N-1); 04-Alerts stays one stream."
          + " Super streams are listed with one row per partition."
    })
final class StreamsCommand implements Callable<Integer> {

  @Mixin LogOptions log;

  @Option(names = "--verbose", description = "Show stack traces of errors.")
  boolean verbose;

  @Option(names = "--create", description = "Declare the product's streams before listing them.")
  boolean create;

  @Option(
      names = "--max-age",
      paramLabel = "AGE",
      converter = Sizes.DurationConverter.class,
      description = "With --create: retention by age, e.g. 365d (default: keep everything).")
  Duration maxAge;

  @Option(
      names = "--max-length-bytes",
      paramLabel = "SIZE",
      converter = Sizes.ByteSizeConverter.class,
      description = "With --create: retention by size, e.g. 20gb (default: no limit).")
  Long maxLengthBytes;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "With --create: partitions per input stream; above 1 the inputs are super streams"
              + " (RabbitMQ 3.11 or newer; default: ${DEFAULT-VALUE}, three plain streams).")
  int partitions;

  @Option(
      names = {"--application-id", "-a"},
      paramLabel = "ID",
      defaultValue = "coursepulse",
      split = ",",
      description =
          "Applications whose stored offsets and lag to show (repeatable; default: ${DEFAULT-VALUE}).")
  List<String> applicationIds;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "The applications' checkpoint directory (default: coursepulse-data/state, as for process):"
              + " where 'reset' left a marker, the next run starts there, not after the stored"
              + " offset, and the lag shown is from the marker.")
  Path stateDir;

  /** Per application, the positions a 'reset' marker sets for its next run. */
  private final Map<String, Map<String, OffsetSpec>> resetMarkers = new LinkedHashMap<>();

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    // Only --create may bring a log into being; a listing of a mistyped --embedded-dir is refused.
    try (StreamLog streams = create ? log.open(LogOptions.Broker.RABBITMQ) : ExistingLog.open(log, "streams")) {
      if (create) {
        Retention retention =
            new Retention(maxAge, maxLengthBytes == null ? 0 : maxLengthBytes.longValue());
        declare(streams, retention, out);
      }
      List<String> names = productStreams();
      readResetMarkers();
      out.println(
          String.format(
              "%-22s %12s %12s %12s  %s", "STREAM", "FIRST", "LAST", "MESSAGES", "CONSUMERS"));
      int missing = 0;
      for (String stream : names) {
        List<String> parts = partitionsOf(streams, stream);
        if (!parts.isEmpty()) {
          out.println(
              String.format("%-22s %s", stream, "(super stream, " + parts.size() + " partitions)"));
          for (String partition : parts) {
            row(out, streams, "  " + partition, partition);
          }
          continue;
        }
        if (!streams.streamExists(stream)) {
          if (StreamNames.ALL.contains(stream)) {
            out.println(String.format("%-22s %s", stream, "(missing: run 'coursepulse streams --create')"));
            missing++;
          }
          continue;
        }
        row(out, streams, stream, stream);
      }
      tasks(out, streams);
      return missing == 0 ? 0 : 3;
    }
  }

  /** Reads each application's reset marker, if it has one, from the state directory. */
  private void readResetMarkers() {
    Path dir = stateDir != null ? stateDir : Path.of("coursepulse-data", "state");
    for (String app : applicationIds) {
      try {
        resetMarkers.put(app, ResetMarker.read(dir, app));
      } catch (IOException | RuntimeException e) {
        // An id that names no directory, or an unreadable marker: the stored offsets still show.
        spec.commandLine().getErr().println("coursepulse: note: cannot read the reset marker of '"
            + app + "' in " + dir + ": " + e.getMessage());
      }
    }
  }

  /**
   * The streams to list: the declared ones first (a missing one is reported), then, when they
   * exist, the risk records, each application's own outputs, dead letters and refusals, and
   * ingest's dead letters.
   */
  private List<String> productStreams() {
    Set<String> names = new LinkedHashSet<>(StreamNames.ALL);
    names.add(StreamNames.RISK);
    for (String app : applicationIds) {
      names.add(AlertingApp.defaultAlertsStream(app));
      names.add(AlertingApp.defaultRiskStream(app));
      names.add(StreamNames.deadLetters(app));
      names.add(StreamNames.refused(app));
    }
    names.add(StreamNames.INGEST_DEAD_LETTERS);
    return new ArrayList<>(names);
  }

  /**
   * Messages from {@code next} up to {@code end}. On RabbitMQ 3.11+ the last offset also counts
   * stored consumer offsets, which take offsets but are no messages, so a small difference is
   * counted by reading; a large one is shown as an estimate ("~N"), exact enough to act on.
   */
  static String lag(StreamLog streams, String stream, long next, long end) {
    long estimate = Math.max(0, end - next);
    if (estimate == 0) {
      return "0";
    }
    if (estimate > EXACT_LAG_LIMIT) {
      return "~" + estimate;
    }
    long n = 0;
    try (LogReader reader = streams.reader(stream, OffsetSpec.offset(next))) {
      while (n < estimate && reader.poll(Duration.ofMillis(300)) != null) {
        n++;
      }
    }
    return String.valueOf(n);
  }

  /** Largest lag counted exactly (by reading); above it the offset difference is shown. */
  private static final long EXACT_LAG_LIMIT = 10_000;

  /** Log time of the newest message minus that of the last processed one. */
  static String timeLag(StreamLog streams, String stream, long processed, StreamStats stats) {
    if (processed >= stats.lastOffset()) {
      return "0s";
    }
    LogMessage done = messageAt(streams, stream, processed);
    LogMessage newest = newestMessage(streams, stream);
    if (done == null || newest == null) {
      return "time unknown";
    }
    return humanDuration(Duration.ofMillis(Math.max(0, newest.timestamp() - done.timestamp())));
  }

  static String humanDuration(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return (s / 60) + "m" + (s % 60) + "s";
    }
    if (s < 86_400) {
      return (s / 3600) + "h" + ((s / 60) % 60) + "m";
    }
    return (s / 86_400) + "d" + ((s / 3600) % 24) + "h";
  }

  private static LogMessage messageAt(StreamLog streams, String stream, long offset) {
    try (LogReader reader = streams.reader(stream, OffsetSpec.offset(offset))) {
      return reader.poll(Duration.ofSeconds(5));
    }
  }

  /**
   * The newest message, read from the stream's last chunk: the last offset itself may be a stored
   * consumer offset, which no reader is given.
   */
  private static LogMessage newestMessage(StreamLog streams, String stream) {
    LogMessage newest = null;
    try (LogReader reader = streams.reader(stream, OffsetSpec.last())) {
      for (LogMessage m = reader.poll(Duration.ofSeconds(5)); m != null;
          m = reader.poll(Duration.ofMillis(300))) {
        newest = m;
      }
    }
    return newest;
  }

  private void declare(StreamLog streams, Retention retention, PrintWriter out) {
    if (partitions < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--partitions must be at least 1, not " + partitions);
    }
    List<String> inputs = StreamNames.ALL.subList(0, StreamNames.ALL.indexOf(StreamNames.ALERTS));
    if (partitions == 1) {
      for (String stream : StreamNames.ALL) {
        List<String> parts = partitionsOf(streams, stream);
        if (parts.isEmpty()) {
          streams.createStream(stream, retention);
        } else {
          out.println(stream + " is a super stream of " + parts.size() + " partitions: kept");
        }
      }
      out.println("declared " + String.join(", ", StreamNames.ALL) + " on " + streams.describe());
      return;
    }
    if (!(streams instanceof RabbitStreamLog rabbit)) {
      throw new UnsupportedByLogException(
          "--partitions " + partitions + " needs RabbitMQ super streams; " + streams.describe()
              + " has none (use --broker rabbitmq)");
    }
    // Refuse before declaring anything, so an old broker is left exactly as it was.
    rabbit.requireFeature(RabbitStreamLog.Feature.SUPER_STREAMS);
    for (String stream : inputs) {
      if (rabbit.streamExists(stream)) {
        throw new UnsupportedByLogException(
            "'" + stream + "' exists as a plain stream; it cannot also be a super stream of "
                + partitions + " partitions (use a fresh virtual host, or move its data first)");
      }
    }
    for (String stream : inputs) {
      rabbit.createSuperStream(stream, partitions, retention);
      List<String> parts = rabbit.superStreamPartitions(stream);
      if (parts.size() != partitions) {
        out.println(
            stream + " exists already with " + parts.size() + " partitions, not " + partitions
                + ": kept as it is");
      }
    }
    for (String stream : StreamNames.ALL) {
      if (!inputs.contains(stream)) {
        streams.createStream(stream, retention);
      }
    }
    out.println(
        "declared " + String.join(", ", inputs) + " as super streams of " + partitions
            + " partitions and " + String.join(", ", StreamNames.ALL.subList(inputs.size(),
                StreamNames.ALL.size())) + " on " + streams.describe());
  }

  /** The partitions when {@code stream} names a super stream, else an empty list. */
  private static List<String> partitionsOf(StreamLog streams, String stream) {
    return streams.partitions(stream);
  }

  /**
   * Per application over partitioned inputs: its tasks, the instance that wrote each one's newest
   * checkpoint (the holder, unless the task moved since) and the lag of each partition behind it.
   */
  private void tasks(PrintWriter out, StreamLog streams) {
    Map<String, List<String>> inputs = new LinkedHashMap<>();
    for (String input : StreamNames.INPUTS) {
      inputs.put(input, partitionsOf(streams, input));
    }
    int taskCount = inputs.values().iterator().next().size();
    if (taskCount == 0) {
      return;
    }
    Instant now = Instant.now();
    for (String app : applicationIds) {
      out.println();
      out.println("application " + app + ": " + taskCount + " tasks (task k reads partition k of "
          + String.join(", ", inputs.keySet()) + ")");
      out.println(String.format("%-5s %-28s %-34s  %s", "TASK", "LAST CHECKPOINT BY", "AT", "LAG (messages)"));
      Map<Integer, TaskStatus> status = new LinkedHashMap<>();
      for (TaskStatus t : StreamEngine.taskStatus(streams, app, taskCount)) {
        status.put(t.task(), t);
      }
      for (int k = 0; k < taskCount; k++) {
        TaskStatus t = status.get(k);
        List<String> lags = new ArrayList<>();
        for (Map.Entry<String, List<String>> e : inputs.entrySet()) {
          String partition = e.getValue().get(k);
          long next = t == null ? -1 : t.nextOffsets().getOrDefault(e.getKey(), -1L);
          Optional<StreamStats> stats = streams.stats(partition);
          long end = stats.map(st -> st.lastOffset() + 1).orElse(0L);
          long start = stats.map(StreamStats::firstOffset).orElse(0L);
          lags.add(partition + " " + lag(streams, partition, next < 0 ? start : next, end));
        }
        out.println(String.format("%-5d %-28s %-34s  %s", k,
            t == null ? "(no checkpoint yet)" : t.instance(),
            t == null ? "-" : t.checkpointedAt() + " (" + humanDuration(Duration.between(t.checkpointedAt(), now).abs()) + " ago)",
            String.join(", ", lags)));
      }
    }
  }

  private void row(PrintWriter out, StreamLog streams, String label, String stream) {
    Optional<StreamStats> stats = streams.stats(stream);
    Map<String, Long> next = new LinkedHashMap<>();
    Map<String, Long> storedOffsets = new LinkedHashMap<>();
    for (String app : applicationIds) {
      OptionalLong stored = streams.queryOffset(app, stream);
      OffsetSpec reset = resetMarkers.getOrDefault(app, Map.of()).get(stream);
      if (reset instanceof OffsetSpec.Absolute at) {
        // 'process' starts at the marker, whatever the broker stored (which may say "nothing left")
        next.put(app, at.offset());
        storedOffsets.put(app, stored.isPresent() ? stored.getAsLong() : null);
      } else if (stored.isPresent()) {
        next.put(app, stored.getAsLong() + 1); // where the app's next run resumes
      }
    }
    Optional<StreamScan> scan =
        stats.flatMap(s -> StreamScan.of(streams, stream, s, next.values()));
    String first = stats.map(s -> Long.toString(s.firstOffset())).orElse("-");
    // The newest message, not the last offset: on RabbitMQ that may be a stored consumer offset.
    String last =
        scan.map(s -> s.newest().map(m -> Long.toString(m.offset())).orElse("-"))
            .orElseGet(() -> stats.map(s -> "~" + s.lastOffset()).orElse("-"));
    String count =
        scan.map(s -> Long.toString(s.messages()))
            .orElseGet(() -> stats.map(s -> "~" + s.count()).orElse("0"));
    out.println(
        String.format(
            "%-22s %12s %12s %12s  %s",
            label, first, last, count,
            consumers(streams, stream, stats, scan, next, storedOffsets)));
  }

  /**
   * Each application's stored offset with the lag its next run will have: the messages after it
   * (offset-tracking entries excluded) and the log time between the last processed message and
   * the newest one. Streams too long to read show estimates ("~").
   */
  private static String consumers(
      StreamLog streams, String stream, Optional<StreamStats> stats, Optional<StreamScan> scan,
      Map<String, Long> next, Map<String, Long> overriddenByReset) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Long> e : next.entrySet()) {
      long from = e.getValue();
      String lag;
      String behind;
      if (scan.isPresent()) {
        lag = String.valueOf(scan.get().lag(from));
        behind = humanDuration(scan.get().timeLag(from));
      } else {
        lag = lag(streams, stream, from, stats.map(s -> s.lastOffset() + 1).orElse(0L));
        behind = stats.map(s -> timeLag(streams, stream, from - 1, s)).orElse("0s");
      }
      String where = e.getKey() + "@" + (from - 1);
      if (overriddenByReset.containsKey(e.getKey())) {
        Long stored = overriddenByReset.get(e.getKey());
        where = e.getKey() + " reset to " + from + " (stored "
            + (stored == null ? "none" : "@" + stored) + " is overridden by its "
            + ResetMarker.FILE_NAME + ")";
      }
      parts.add(where + " (lag " + lag + " msgs, " + behind + ")");
    }
    return parts.isEmpty() ? "-" : String.join(", ", parts);
  }
}
