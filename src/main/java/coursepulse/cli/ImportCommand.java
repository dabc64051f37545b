package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.oulad.OuladCalendar;
import coursepulse.lms.oulad.OuladImport;
import coursepulse.lms.outcome.OutcomesFile;
import coursepulse.lms.publish.EventPublisher;
import coursepulse.lms.publish.Pacer;
import coursepulse.lms.publish.Progress;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coursepulse import}: brings recorded LMS data onto the input streams. */
@Command(
    name = "import",
    header = "Imports recorded LMS data onto the input streams.",
    mixinStandardHelpOptions = true,
    description = "Imports recorded LMS data onto 01-Enrollment, 02-Login and 03-Activity.",
    subcommands = {ImportCommand.Oulad.class})
public final class ImportCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getErr());
  }

  /** {@code coursepulse import oulad}: the Open University Learning Analytics Dataset. */
  @Command(
      name = "oulad",
      header = "Imports the Open University Learning Analytics Dataset (OULAD) tables.",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      description = {
        "Turns the OULAD tables (Kuzilek et al. 2017, CC BY 4.0) into schema events: enrolments,"
            + " withdrawals, one session per active day, assessments, graded submissions and page"
            + " clicks (docs/oulad.md).",
        "The same tables and options give the same events byte for byte; an import restarted"
            + " with the same options resumes where the log stopped, without duplicates. An import"
            + " whose events start before the newest event of the input streams (another"
            + " selection, changed tables) is refused: import everything in one run into an"
            + " empty log.",
        ""
      })
  public static final class Oulad implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin LogOptions logOptions;

    @Option(names = "--dir", required = true, paramLabel = "DIR", description = "The OULAD tables: the original distribution (studentVle.csv) or one studentVle/<module>-<presentation>.csv[.gz] per presentation.")
    Path dir;

    @Option(names = "--presentations", split = ",", paramLabel = "ID", description = "Course ids to import, e.g. AAA-2013J,BBB-2013B (default: every presentation in courses.csv).")
    List<String> presentations = new ArrayList<>();

    @Option(names = "--start", paramLabel = "PRESENTATION=DATE", description = "First day of a presentation (AAA-2013J=2013-10-05) or of every module's (2013J=2013-10-05); repeatable (default: the first Monday of February for B, of October for J).")
    List<String> starts = new ArrayList<>();

    @Option(names = "--speed", defaultValue = "max", paramLabel = "X", description = "Event-time seconds per wall-clock second, or max (default: ${DEFAULT-VALUE}).")
    String speed;

    @Option(names = "--dry-run", description = "Write NDJSON (one event per line, the order it would be published in) instead of publishing.")
    boolean dryRun;

    @Option(names = "--output", defaultValue = "-", paramLabel = "FILE", description = "NDJSON destination with --dry-run; - is stdout (default: ${DEFAULT-VALUE}).")
    String output;

    @Option(names = "--outcomes", paramLabel = "FILE", description = "Also write studentId,courseId,finalResult,withdrawnAt per student and course (for evaluate --outcomes).")
    Path outcomes;

    @Option(names = "--retry-for", defaultValue = "10m", converter = Sizes.DurationConverter.class, paramLabel = "DURATION", description = "After a log failure keep retrying this long, resuming after the last event the log stored; 0 fails at once (default: ${DEFAULT-VALUE}).")
    Duration retryFor;

    @Option(names = "--quiet", description = "No progress lines on stderr.")
    boolean quiet;

    @Option(names = "--verbose", description = "Print stack traces of errors.")
    boolean verbose;

    private final Supplier<StreamLog> logSupplier;

    /** Used by picocli: the log comes from {@code --broker}/{@code --uri} (default RabbitMQ). */
    public Oulad() {
      this(null);
    }

    /** Publishes to the log the supplier opens (tests, benchmarks). */
    public Oulad(Supplier<StreamLog> logSupplier) {
      this.logSupplier = logSupplier;
    }

    @Override
    public Integer call() throws IOException {
      if (!dryRun && !output.equals("-")) {
        throw new IllegalArgumentException("--output needs --dry-run: without it the events are published");
      }
      OuladCalendar calendar = OuladCalendar.withStarts(starts);
      if (outcomes != null) {
        OutcomesFile.requireWritable(outcomes); // before publishing, not after a whole import
      }
      PrintWriter err = spec.commandLine().getErr();
      EventPublisher publisher =
          new EventPublisher(
              Pacer.parse(speed),
              p -> {
                if (!quiet || p.done()) {
                  err.println(p.line());
                  err.flush();
                }
              });
      Supplier<OuladImport> feed = () -> OuladImport.open(dir, presentations, calendar);
      OuladImport last;
      if (dryRun) {
        try (OuladImport source = feed.get();
            OutputStream out = ndjson()) {
          publisher.writeNdjson(source, out);
          last = source;
        }
      } else {
        try (StreamLog log = openLog()) {
          OuladImport[] done = new OuladImport[1];
          Republish.untilDone(
              () -> {
                try (OuladImport source = feed.get()) {
                  if (done[0] == null) {
                    err.println("importing " + source.courseIds() + " to " + log.describe() + " as " + source.producerName());
                  }
                  done[0] = source;
                  publisher
                      .refusingEarlierFeeds(OuladImport.EARLIER_FEED_ADVICE)
                      .publish(source, source.producerName(), log);
                }
              },
              retryFor,
              err);
          last = done[0];
        }
      }
      // the progress line above says what was appended now; this one is the whole feed
      err.println((dryRun ? "events " : "events of the import (appended now or before) ") + last.counts()
          + (last.skipped().isEmpty() ? "" : ", rows left out " + last.skipped())
          + (last.unmatched().isEmpty() ? "" : ", rows referring to what the other tables lack " + last.unmatched()));
      if (outcomes != null) {
        OutcomesFile.write(outcomes, last.outcomes());
      }
      err.flush();
      return 0;
    }

    private OutputStream ndjson() throws IOException {
      if (output.equals("-")) {
        return new BufferedOutputStream(System.out, 1 << 16) {
          @Override
          public void close() throws IOException {
            flush(); // stdout stays open
          }
        };
      }
      return new BufferedOutputStream(Files.newOutputStream(Path.of(output)), 1 << 16);
    }

    private StreamLog openLog() {
      return logSupplier != null ? logSupplier.get() : logOptions.open(LogOptions.Broker.RABBITMQ);
    }
  }
}
