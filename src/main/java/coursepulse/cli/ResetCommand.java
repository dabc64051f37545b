package coursepulse.cli;

import coursepulse.engine.InstanceSighting;
import coursepulse.engine.StreamEngine;
import coursepulse.engine.log.StreamLog;
import coursepulse.engine.log.StreamNotFoundException;
import coursepulse.lms.event.StreamNames;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code coursepulse reset}: the application reset tool. Refuses while the application runs,
 * deletes its checkpoints, stores the new positions as its named-consumer offsets and leaves a
 * marker so that the next {@code process} starts there with empty state.
 */
@Command(
    name = "reset",
    header = "Resets an alerting application to restart from a position with empty state.",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Resets an alerting application so that its next 'process' run starts from --to with empty"
          + " state, like Kafka's streams application reset tool.",
      "Refuses while the application is running: a running 'process' holds a lock on"
          + " <state-dir>/<application-id>/.lock (released by the operating system when the"
          + " process ends, even on kill -9), and every running 'process' tells the broker so every"
          + " 2 s (stream <application-id>-instances, broker time, so clock skew does not matter):"
          + " an instance on another host is seen too. With --health-url it also refuses when that"
          + " endpoint answers. Then it deletes the checkpoints,"
          + " stores each input's new position as the application's consumer offset and writes"
          + " <state-dir>/<application-id>/" + ResetMarker.FILE_NAME + ", which 'process' reads"
          + " while it has no checkpoint.",
      "01-Enrollment (the roster) restarts at first unless --to-offsets names it: a run that"
          + " reads enrolments from mid-term refuses every event of the students enrolled before.",
      "Alerts already in 04-Alerts stay; the next run appends the recomputed ones after them.",
      ""
    })
final class ResetCommand implements Callable<Integer> {

  static final int EXIT_RUNNING = 5;

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin LogOptions log;

  @Option(names = {"--application-id", "-a"}, required = true, paramLabel = "ID",
      description = "The application to reset.")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR",
      description = "Its checkpoint directory (default: coursepulse-data/state, as for process).")
  Path stateDir;

  @Option(names = "--to", required = true, paramLabel = "POSITION",
      description = "first, last, next, offset:N, timestamp:ISO (log time) or event-time:ISO;"
          + " first, last and next as 'process --from' means them: last is the first message of"
          + " the newest chunk, next is after the newest message (only new messages).")
  String to;

  @Option(names = "--to-offsets", paramLabel = "STREAM=POSITION,...",
      description = "Per-stream positions overriding --to; names other than the inputs are"
          + " refused. 01-Enrollment (the roster) restarts at first unless named here: a roster"
          + " read from mid-term refuses the events of everyone enrolled before.")
  String toOffsets;

  @Option(names = "--health-url", paramLabel = "URL",
      description = "Also refuse when this /health endpoint of the application answers, e.g."
          + " http://host:9464/health.")
  URI healthUrl;

  @Option(
      names = "--instance-timeout",
      defaultValue = "30s",
      converter = Sizes.DurationConverter.class,
      paramLabel = "DURATION",
      description =
          "A running 'process' tells the broker every 2 s that it runs; one not heard from for"
              + " this long (broker time) counts as gone: killed, host lost, or paused; at least"
              + " 6s, three heartbeats (default: ${DEFAULT-VALUE}).")
  Duration instanceTimeout;

  @Option(
      names = "--force",
      description =
          "Reset an id this log and --state-dir have never seen (no state directory, no stored"
              + " consumer offset, no <id>-instances stream): without it such an id is taken for a"
              + " typo and refused.")
  boolean force;

  @Option(names = "--dry-run", description = "Print what would be done, change nothing.")
  boolean dryRun;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path dir = stateDir != null ? stateDir : Path.of("coursepulse-data", "state");
    try {
      // Before any file is touched: '../victim' would put the lock and the marker outside --state-dir.
      StreamEngine.requireValidApplicationId(applicationId);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--application-id: " + e.getMessage()
          + "; 'process' refuses such ids too, so no application has it");
    }
    if (instanceTimeout.compareTo(StreamEngine.MIN_INSTANCE_TIMEOUT) < 0) {
      throw new ParameterException(spec.commandLine(), "--instance-timeout must be at least "
          + seconds(StreamEngine.MIN_INSTANCE_TIMEOUT) + " (three of the 2 s heartbeats), was "
          + seconds(instanceTimeout) + ": a shorter one counts a running instance as gone and"
          + " resets it under its feet");
    }
    ReplayPosition position = ReplayPosition.parse(to);
    Map<String, ReplayPosition> perStream = ReplayPosition.parsePerInput(toOffsets, "--to-offsets");
    boolean hasStateDir = Files.isDirectory(dir.resolve(applicationId));
    if (StreamEngine.isRunning(dir, applicationId)) {
      err.println("coursepulse: application '" + applicationId + "' is running (its state"
          + " directory " + dir.resolve(applicationId) + " is locked by a live process): stop it"
          + " first");
      return EXIT_RUNNING;
    }
    if (healthUrl != null && answers(healthUrl)) {
      err.println("coursepulse: application '" + applicationId + "' is running (" + healthUrl
          + " answers): stop it first");
      return EXIT_RUNNING;
    }
    try (StreamLog streams = ExistingLog.open(log, "reset")) {
      for (String input : StreamNames.INPUTS) {
        if (!streams.partitions(input).isEmpty()) {
          // Positions are per partition there, and the state lives in <app>-checkpoints on the
          // broker too: resetting only the local directory would be silently undone.
          err.println("coursepulse: " + input + " is a super stream: resetting an application over"
              + " partitioned inputs is not supported yet. Stop every instance, then either use a"
              + " new --application-id, or delete the stream '" + applicationId + "-checkpoints'"
              + " and the instances' state directories (docs/scaling.md)");
          return 2;
        }
        if (!streams.streamExists(input)) {
          throw new StreamNotFoundException(input);
        }
      }
      // Checked before the presence probe, which itself creates <id>-instances.
      if (!force && !hasStateDir && !hasStoredOffset(streams) && !StreamEngine.hasAnnounced(streams, applicationId)) {
        err.println("coursepulse: no application '" + applicationId + "' is known here: no state"
            + " directory " + dir.resolve(applicationId) + ", no stored consumer offset on "
            + String.join(", ", StreamNames.INPUTS) + " and no stream " + applicationId
            + "-instances on " + streams.describe() + ". Check --application-id and --state-dir;"
            + " add --force to prepare a new application's start anyway.");
        return 2;
      }
      if (runsSomewhere(streams, err)) {
        return EXIT_RUNNING;
      }
      ReplayRange resolver = new ReplayRange(streams, ReplayCommand::eventTimeOf);
      Map<String, ReplayRange.Bounds> next = new LinkedHashMap<>();
      for (String input : StreamNames.INPUTS) {
        try {
          next.put(input, resolver.resolve(input, startOf(input, position, perStream), new ReplayPosition.Last()));
        } catch (ReplayRange.RangeGoneException e) {
          err.println("coursepulse: " + e.getMessage());
          return ReplayCommand.EXIT_RANGE_GONE;
        }
      }
      out.println((dryRun ? "would reset" : "resetting") + " '" + applicationId + "' (state in "
          + dir.resolve(applicationId) + ") on " + streams.describe());
      for (ReplayRange.Bounds b : next.values()) {
        boolean rosterKept = b.stream().equals(StreamNames.ENROLLMENT) && !perStream.containsKey(b.stream());
        out.println(String.format(Locale.ROOT, "  %-14s next offset %,d%s", b.stream(), b.start(),
            rosterKept && !(position instanceof ReplayPosition.First)
                ? " (the roster, read whole: --to-offsets " + b.stream() + "=POSITION moves it)"
                : ""));
      }
      RosterNote.of(next.get(StreamNames.ENROLLMENT), "the next 'process' run",
              "Leave 01-Enrollment out of --to-offsets")
          .ifPresent(note -> err.println("  " + note));
      if (dryRun) {
        return 0;
      }
      int deleted = StreamEngine.cleanUp(dir, applicationId); // takes the lock: refuses if started meanwhile
      Map<String, Long> starts = new LinkedHashMap<>();
      next.values().forEach(b -> starts.put(b.stream(), b.start()));
      ResetMarker.write(dir, applicationId, starts);
      out.println("  deleted " + deleted + " checkpoint(s); wrote " + ResetMarker.file(dir, applicationId));
      for (Map.Entry<String, Long> e : starts.entrySet()) {
        if (e.getValue() > 0) {
          streams.storeOffset(applicationId, e.getKey(), e.getValue() - 1);
          out.println("  stored consumer offset " + (e.getValue() - 1) + " on " + e.getKey());
        } else {
          // A named consumer's offset is the last processed message; "none yet" has no value.
          out.println("  " + e.getKey() + ": starts at offset 0; the stored consumer offset"
              + " cannot say 'nothing processed' and is left as it was until the next checkpoint");
        }
      }
    }
    return 0;
  }

  /**
   * Where {@code input} restarts: as {@code --to-offsets} names it, else at {@code --to}, except
   * the roster. Enrolments are a table, not a window: a run that reads them from mid-term knows no
   * student enrolled before and refuses all their events, so 01-Enrollment stays at {@code first}
   * unless named (as Kafka's reset tool leaves a table's changelog to be restored whole).
   */
  private static ReplayPosition startOf(
      String input, ReplayPosition to, Map<String, ReplayPosition> perStream) {
    if (perStream.containsKey(input)) {
      return perStream.get(input);
    }
    return input.equals(StreamNames.ENROLLMENT) ? new ReplayPosition.First() : to;
  }

  private boolean hasStoredOffset(StreamLog streams) {
    return StreamNames.INPUTS.stream()
        .anyMatch(input -> streams.queryOffset(applicationId, input).isPresent());
  }

  /**
   * Whether an instance of the application runs anywhere, as the broker knows it; prints the
   * running ones (refused) and the silent ones (not counted, but the operator should know).
   */
  private boolean runsSomewhere(StreamLog streams, PrintWriter err) {
    List<InstanceSighting> seen = StreamEngine.instances(streams, applicationId, instanceTimeout);
    List<InstanceSighting> running = new ArrayList<>();
    for (InstanceSighting s : seen) {
      if (s.status() == InstanceSighting.Status.RUNNING) {
        running.add(s);
      } else if (s.status() == InstanceSighting.Status.SILENT) {
        err.println("coursepulse: note: instance " + s.instance() + " of '" + applicationId
            + "' was last heard from " + seconds(s.age()) + " ago and never said it stopped"
            + " (killed, its host lost, or paused): not counted as running. If it is only paused,"
            + " stop it before it resumes.");
      }
    }
    for (InstanceSighting s : running) {
      err.println("coursepulse: application '" + applicationId + "' is running: instance "
          + s.instance() + " was heard from " + seconds(s.age()) + " ago (through the broker,"
          + " stream " + applicationId + "-instances). Stop every instance first (SIGTERM: it"
          + " says so at once; a killed one counts as gone after --instance-timeout "
          + seconds(instanceTimeout) + ").");
    }
    return !running.isEmpty();
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  private static boolean answers(URI url) {
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      HttpResponse<Void> r =
          client.send(
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(2)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() > 0;
    } catch (java.io.IOException e) {
      return false; // nothing listens there
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
