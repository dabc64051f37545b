package coursepulse.cli;

import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.Retention;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.lms.event.EventCodec;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.risk.Alert;
import coursepulse.lms.risk.AlertingApp;
import coursepulse.lms.risk.AlertCodec;
import coursepulse.lms.risk.AlertDiff;
import coursepulse.lms.risk.AlertFormatter;
import coursepulse.lms.risk.Evaluation;
import coursepulse.lms.risk.GroundTruth;
import coursepulse.lms.risk.RiskMetrics;
import coursepulse.lms.risk.RiskTopology;
import coursepulse.lms.risk.Rule;
import coursepulse.lms.risk.RulesConfig;
import coursepulse.lms.risk.model.RiskModel;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code coursepulse replay}: the alerting application over a fixed range of the input streams,
 * with fresh state, at full speed; with {@code --compare-with}, a backtest of two rule sets in one
 * pass over the log.
 */
@Command(
    name = "replay",
    header = "Reruns the alerting over a range of the inputs, or backtests two rule sets.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Runs the alerting application over a range of 01-Enrollment, 02-Login and 03-Activity with"
          + " fresh state (its own application id and a temporary state directory: the live"
          + " application is untouched), at full speed, and stops at --to (default: the end of"
          + " each stream when the replay starts).",
      "Positions: first, last, offset:N (each stream's own offset), timestamp:ISO (log time: when"
          + " the broker stored the message) or event-time:ISO (when the event happened,"
          + " occurredAt). A replay from a point after the first events starts with empty state:"
          + " see docs/replay.md on warm-up.",
      "With --compare-with, runs both rule sets over the same records in one pass and prints the"
          + " alerts only in A (--rules), only in B (--compare-with), per rule.",
      ""
    })
final class ReplayCommand implements Callable<Integer> {

  static final int EXIT_RANGE_GONE = 4;

  /** How long a replay may run: as long as it takes. */
  private static final Duration UNTIL_THE_END = Duration.ofDays(3650);

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LogOptions log;

  @Option(
      names = "--model",
      paramLabel = "FILE",
      description = "Risk model file (JSON); default: the built-in model.")
  Path modelFile;

  private RiskModel model;

  @Option(names = "--from", defaultValue = "first", paramLabel = "POSITION",
      description = "Where every input starts (default: ${DEFAULT-VALUE}).")
  String from;

  @Option(names = "--to", defaultValue = "last", paramLabel = "POSITION",
      description = "Where every input stops, exclusive; 'last' is the end of each stream when the"
          + " replay starts (default: ${DEFAULT-VALUE}).")
  String to;

  @Option(names = "--from-offsets", paramLabel = "STREAM=POSITION,...",
      description = "Per-stream starts overriding --from, e.g."
          + " 01-Enrollment=first,02-Login=5000,03-Activity=event-time:2026-10-05T00:00:00Z.")
  String fromOffsets;

  @Option(names = {"--application-id", "-a"}, paramLabel = "ID",
      description = "Application id of the replay (default: replay-<UTC time>); never the live"
          + " application's.")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Checkpoint directory (default: a temporary directory, deleted at the end).")
  Path stateDir;

  @Option(names = "--rules", paramLabel = "FILE",
      description = "YAML rule thresholds (default: the built-in defaults); A in a backtest.")
  Path rules;

  @Option(names = "--compare-with", paramLabel = "FILE",
      description = "Backtest: also run these rules (B) over the same records and print the"
          + " differences. Use 'defaults' for the built-in rules.")
  String compareWith;

  @Option(names = "--ground-truth", paramLabel = "FILE",
      description = "Simulator ground truth (CSV): print precision, recall and lead time of each"
          + " rule set.")
  Path groundTruth;

  @Option(names = "--output-stream", paramLabel = "STREAM",
      description = "Write the alerts to this stream (created when missing). Never 04-Alerts.")
  String outputStream;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Write the alerts to this file, one JSON record per line (as in 04-Alerts).")
  Path output;

  @Option(names = "--print", description = "Print one line per alert.")
  boolean print;

  @Option(names = "--progress", defaultValue = "auto", paramLabel = "MODE",
      converter = ProgressModeConverter.class,
      description = "auto (a bar on a terminal, else lines), bar, lines or none"
          + " (default: ${DEFAULT-VALUE}).")
  ReplayProgress.Mode progress;

  @Option(names = "--progress-interval", defaultValue = "10s", paramLabel = "DURATION",
      converter = Sizes.DurationConverter.class,
      description = "Interval of progress lines (default: ${DEFAULT-VALUE}).")
  Duration progressInterval;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  static final class ProgressModeConverter implements picocli.CommandLine.ITypeConverter<ReplayProgress.Mode> {
    @Override
    public ReplayProgress.Mode convert(String value) {
      try {
        return ReplayProgress.Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' is not a progress mode: give auto, bar, lines or none");
      }
    }
  }

  /** One rule set being replayed: its engine, meters and what it emitted. */
  private static final class Variant {
    final String label;
    final RulesConfig rules;
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final Map<Rule, long[]> counts = new EnumMap<>(Rule.class);
    final List<Alert> kept = new ArrayList<>();
    StreamEngine engine;

    Variant(String label, RulesConfig rules) {
      this.label = label;
      this.rules = rules;
      for (Rule r : Rule.values()) {
        counts.put(r, new long[2]);
      }
    }

    long processed() {
      double n = 0;
      for (String name : List.of(
          "coursepulse.engine.records.processed", "coursepulse.engine.records.dead.lettered")) {
        n += registry.find(name).functionCounters().stream().mapToDouble(FunctionCounter::count).sum();
      }
      return (long) n;
    }
  }

  @Override
  public Integer call() throws Exception {
    return run(null);
  }

  /**
   * The replay over {@code given}, or over the log the options name when it is null (the log is
   * then opened and closed here); {@code bench} passes the log its phases share.
   */
  Integer run(StreamLog given) throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // the checks process --model makes: features the processor computes, fitted weights
    model =
        modelFile == null
            ? RiskModel.builtIn()
            : coursepulse.lms.risk.ProcessorModel.load(modelFile, err::println);
    ReplayPosition fromPos = ReplayPosition.parse(from);
    ReplayPosition toPos = ReplayPosition.parse(to);
    if (ReplayPosition.endsBeforeStart(fromPos, toPos)) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "--to " + toPos + " lies before --from " + fromPos + ": nothing to replay; give a --to"
              + " after --from");
    }
    Map<String, ReplayPosition> perStream = ReplayPosition.parsePerInput(fromOffsets, "--from-offsets");
    boolean backtest = compareWith != null;
    if (backtest && (outputStream != null || output != null)) {
      throw new IllegalArgumentException(
          "--output and --output-stream write one rule set's alerts: run a plain replay for that");
    }
    if (outputStream != null && !outputStreamOfItsOwn(outputStream)) {
      throw new IllegalArgumentException(
          "--output-stream " + outputStream + " is a stream of the live application (its inputs,"
              + " 04-Alerts, 05-Risk) or of an engine (dead letters, refusals, checkpoints,"
              + " presence); choose a name of its own, e.g. replay-alerts");
    }
    String appId = applicationId != null ? applicationId : defaultApplicationId();
    if (AlertingApp.DEFAULT_APPLICATION_ID.equals(appId)) {
      throw new IllegalArgumentException(
          "--application-id " + appId + " is the live application's: a replay under it would"
              + " replace its checkpoints and stored offsets; leave the option out (replay-<time>)"
              + " or choose another id");
    }
    List<Variant> variants = new ArrayList<>();
    RulesConfig rulesA = rules == null ? RulesConfig.DEFAULTS : RulesConfig.fromFile(rules);
    variants.add(new Variant(label(rules == null ? "built-in defaults" : rules.toString(), rulesA), rulesA));
    if (backtest) {
      RulesConfig rulesB =
          "defaults".equals(compareWith) ? RulesConfig.DEFAULTS : RulesConfig.fromFile(Path.of(compareWith));
      variants.add(new Variant(label(
          "defaults".equals(compareWith) ? "built-in defaults" : compareWith, rulesB), rulesB));
    }
    List<GroundTruth> truth = groundTruth == null ? null : GroundTruth.read(groundTruth);

    Path dir = stateDir;
    boolean temporary = dir == null;
    if (temporary) {
      dir = Files.createTempDirectory("coursepulse-replay-");
    }
    try (StreamLog opened = given == null ? log.open(LogOptions.Broker.RABBITMQ) : null;
        OutputStream file = output == null ? null : new BufferedOutputStream(Files.newOutputStream(output))) {
      StreamLog streams = given == null ? opened : given;
      for (String id : backtest ? List.of(appId + "-a", appId + "-b") : List.of(appId)) {
        if (StreamEngine.hasAnnounced(streams, id)) {
          throw new IllegalArgumentException(
              "--application-id " + id + " is the id of an application that 'process' ran on "
                  + streams.describe() + ": a replay under it would replace its checkpoints and"
                  + " stored offsets; choose another id");
        }
      }
      for (String input : StreamNames.INPUTS) {
        if (!streams.partitions(input).isEmpty()) {
          // A replay is a bounded run: its ranges are offsets of one stream per input.
          err.println("coursepulse: " + input + " is a super stream: replaying partitioned inputs"
              + " is not supported yet (a replay's range is one offset range per input stream;"
              + " docs/scaling.md)");
          return 2;
        }
        if (!streams.streamExists(input)) {
          throw new StreamNotFoundException(input);
        }
      }
      // 1. The range, per stream, as the streams are now.
      ReplayRange resolver = new ReplayRange(streams, ReplayCommand::eventTimeOf);
      Map<String, ReplayRange.Bounds> bounds;
      try {
        bounds =
            resolver.resolveAll(
                StreamNames.INPUTS, input -> perStream.getOrDefault(input, fromPos), toPos);
      } catch (ReplayRange.RangeGoneException e) {
        err.println("coursepulse: " + e.getMessage());
        return EXIT_RANGE_GONE;
      }
      long total = 0;
      Map<String, OffsetSpec> starts = new LinkedHashMap<>();
      Map<String, Long> ends = new LinkedHashMap<>();
      err.println("replay '" + appId + "' on " + streams.describe());
      for (ReplayRange.Bounds b : bounds.values()) {
        total += b.size();
        // From the stream's first offset the engine numbers outputs from 1, so a replay into an
        // output stream under the same application id is deduplicated when run again.
        starts.put(b.stream(), b.start() == b.firstRetained() ? OffsetSpec.first() : OffsetSpec.offset(b.start()));
        ends.put(b.stream(), b.end());
        err.println(String.format(
            Locale.ROOT, "  %-14s offsets %,d to %,d (%,d messages; stream holds %,d to %,d)",
            b.stream(), b.start(), b.end() - 1, b.size(), b.firstRetained(), b.logEnd() - 1));
      }
      if (total == 0) {
        err.println("coursepulse: nothing to replay: the range is empty in every input (--from"
            + " lies at or after the end of each stream, or after --to); give an earlier --from");
        return 0;
      }
      for (ReplayRange.Bounds b : bounds.values()) {
        if (b.size() == 0 && b.logEnd() > b.firstRetained()) {
          err.println("  note: " + b.stream() + "'s range is empty (its start lies at or after its"
              + " end): none of its events are replayed");
        }
      }
      RosterNote.of(
              bounds.get(StreamNames.ENROLLMENT),
              "the replay",
              "Add --from-offsets 01-Enrollment=first")
          .ifPresent(note -> err.println("  " + note));

      // 2. One engine per rule set; in a backtest both read one pass of the log.
      StreamLog source = backtest ? new FanOutLog(streams, variants.size(), ends) : streams;
      if (outputStream != null) {
        streams.createStream(outputStream, Retention.unlimited());
      }
      long started = System.nanoTime();
      try {
        for (int i = 0; i < variants.size(); i++) {
          Variant v = variants.get(i);
          String id = backtest ? appId + (i == 0 ? "-a" : "-b") : appId;
          if (!temporary && StreamEngine.cleanUp(dir, id) > 0) {
            // A replay is fresh state by definition: a checkpoint would resume an earlier run.
            err.println("  deleted the checkpoints of an earlier '" + id + "' in " + dir);
          }
          // In a backtest both rule sets print: each line says whose it is.
          String side = backtest ? (i == 0 ? "A " : "B ") : "";
          Consumer<Alert> sink = sink(v, backtest || truth != null, file, out, side);
          RiskTopology.Options options =
              RiskTopology.Options.forApplication(id)
                  .withRules(v.rules)
                  .withMetrics(new RiskMetrics(v.registry, false))
                  .withAlertListener(sink)
                  .withDeadLetterStream(null)
                  .withModel(model);
          StreamEngine.Builder builder =
              StreamEngine.builder()
                  .applicationId(id)
                  .topology(
                      RiskTopology.build(
                          options, outputStream,
                          Alert.Origin.of(id, v.rules, options.model().version())))
                  .log(source)
                  .stateDir(dir)
                  .meterRegistry(v.registry)
                  .startFrom(starts)
                  .stopAt(ends)
                  // as 'process' runs, so a replay reproduces what it did with outliers
                  .maxEventTimeAhead(AlertingApp.DEFAULT_MAX_EVENT_TIME_AHEAD)
                  .checkpointInterval(Duration.ZERO)
                  // counted, not written: a replay leaves no stream of its own behind
                  .writeDeadLetters(false);
          if (backtest) {
            builder.logRecoveryTimeout(Duration.ZERO); // a shared read cannot be re-positioned
          }
          v.engine = builder.build();
        }
        variants.forEach(v -> v.engine.start());
        Variant slowest = variants.get(0);
        try (ReplayProgress bar =
            new ReplayProgress(
                progress, total,
                () -> variants.stream().mapToLong(Variant::processed).min().orElse(0),
                err, progressInterval).start(Duration.ofMillis(250))) {
          for (Variant v : variants) {
            // One question per engine: it is answered once the engine has been idle twice after
            // it (or has failed or stopped). Asking again after a short timeout would move that
            // target each time, and wait forever if two idle passes took longer than the timeout.
            v.engine.awaitIdle(UNTIL_THE_END);
            slowest = v;
          }
        }
        for (Variant v : variants) {
          v.engine.close();
          if (v.engine.state() == StreamEngine.State.ERROR) {
            Throwable t = v.engine.failure().orElse(null);
            throw new IOException("replay failed: " + (t == null ? "unknown error" : t.getMessage()), t);
          }
        }
        if (file != null) {
          file.flush();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long processed = slowest.processed();
        out.println(String.format(
            Locale.ROOT, "replayed %,d events in %.1f s (%,.0f events/s)%s",
            processed, seconds, processed / seconds,
            backtest ? ", both rule sets in one pass" : ""));
        for (Variant v : variants) {
          out.println(summary(v));
        }
        if (backtest) {
          AlertDiff.Result diff = AlertDiff.compare(variants.get(0).kept, variants.get(1).kept);
          out.println(AlertDiff.format(diff, variants.get(0).label, variants.get(1).label));
          examples(out, "only in A", diff.onlyA());
          examples(out, "only in B", diff.onlyB());
        }
        if (truth != null) {
          for (Variant v : variants) {
            out.println("quality of " + v.label + ":");
            out.println(Evaluation.evaluate(v.kept, truth).format());
          }
        }
        out.flush();
      } finally {
        for (Variant v : variants) {
          if (v.engine != null) {
            v.engine.close();
          }
        }
        if (source != streams) {
          source.close();
        }
      }
    } finally {
      if (temporary) {
        deleteRecursively(dir);
      }
    }
    return 0;
  }

  private Consumer<Alert> sink(
      Variant v, boolean keep, OutputStream file, PrintWriter out, String side) {
    return alert -> {
      v.counts.get(alert.rule())[alert.type() == Alert.Type.OPENED ? 0 : 1]++;
      if (keep) {
        v.kept.add(alert);
      }
      if (file != null) {
        try {
          file.write(AlertCodec.encode(alert));
          file.write('\n');
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write " + output + ": " + e.getMessage(), e);
        }
      }
      if (print) {
        out.println(side + AlertFormatter.line(alert));
      }
    };
  }

  private static String summary(Variant v) {
    StringBuilder s = new StringBuilder("alerts of " + v.label + ":");
    long opened = 0;
    long resolved = 0;
    for (Map.Entry<Rule, long[]> e : v.counts.entrySet()) {
      s.append(String.format(Locale.ROOT, "%n  %-18s opened %,8d  resolved %,8d",
          e.getKey().name(), e.getValue()[0], e.getValue()[1]));
      opened += e.getValue()[0];
      resolved += e.getValue()[1];
    }
    s.append(String.format(Locale.ROOT, "%n  %-18s opened %,8d  resolved %,8d", "all rules", opened, resolved));
    return s.toString();
  }

  private static void examples(PrintWriter out, String title, List<Alert> alerts) {
    if (alerts.isEmpty()) {
      return;
    }
    out.println(title + " (first " + Math.min(5, alerts.size()) + " of " + alerts.size() + "):");
    alerts.stream().limit(5).forEach(a -> out.println("  " + AlertFormatter.line(a)));
  }

  private static String label(String source, RulesConfig rules) {
    return source + " (version " + rules.version() + ")";
  }

  /**
   * Whether a replay may write its alerts to {@code stream}: not a stream of the live
   * application, nor one an engine keeps for itself (the suffixes of its dead letters, refusals,
   * checkpoints and presence), where alert records would break their readers.
   */
  static boolean outputStreamOfItsOwn(String stream) {
    return !StreamNames.ALERTS.equals(stream) && !StreamNames.carriesNoAlerts(stream);
  }

  static String defaultApplicationId() {
    return "replay-"
        + DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).format(Instant.now())
        + "-" + Long.toHexString(System.nanoTime() & 0xfff);
  }

  /** The event time of a message body, or -1 when it is not a readable event. */
  static long eventTimeOf(byte[] body) {
    try {
      return EventCodec.decode(body).occurredAt().toEpochMilli();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing the replay for
    }
  }
}
