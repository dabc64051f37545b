package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.outcome.OutcomesFile;
import coursepulse.lms.risk.ProcessorModel;
import coursepulse.lms.risk.RiskScoreCodec;
import coursepulse.lms.risk.model.FeatureCsv;
import coursepulse.lms.risk.model.ModelFileCodec;
import coursepulse.lms.risk.model.ModelTrainer;
import coursepulse.lms.risk.model.RiskModel;
import coursepulse.lms.risk.model.TrainingReport;
import coursepulse.lms.risk.model.TrainingSet;
import coursepulse.lms.risk.model.Transform;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code coursepulse train}: fits the risk model on 05-Risk features and real outcomes. */
@Command(
    name = "train",
    header = "Fits the risk model from 05-Risk and an outcomes file.",
    mixinStandardHelpOptions = true,
    description = {
      "Reads the risk records (features per student-course) from 05-Risk, keeps those at the end of"
          + " each course week (course day 7, 14, ...) while the student was enrolled, labels them"
          + " with the outcomes file (withdrawn or failed = at risk), fits an L2-regularised"
          + " logistic regression on 80 %% of the students and measures it on the other 20 %%.",
      "Writes the model file for 'process --model' and prints the rows used, the coefficients"
          + " and the held-out ROC AUC (overall and at weeks 2, 4, 8, 12) and log-loss. The same"
          + " data gives a byte-identical file."
    })
final class TrainCommand implements Callable<Integer> {

  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin LogOptions log;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Input input;

  static final class Input {
    @Option(
        names = "--outcomes",
        paramLabel = "FILE",
        description =
            "Outcomes CSV (studentId,courseId,finalResult,withdrawnAt), e.g. from 'import oulad"
                + " --outcomes'.")
    Path outcomes;

    @Option(
        names = "--rows",
        paramLabel = "FILE",
        description =
            "Fit on labelled feature rows from a CSV (studentId,courseId,at,label,<features>...)"
                + " instead of the stream and outcomes, e.g. one written by --export-rows.")
    Path rows;
  }

  @Option(
      names = "--model",
      required = true,
      paramLabel = "FILE",
      description = "The model file to write.")
  Path model;

  @Option(
      names = "--from",
      paramLabel = "TIME",
      converter = TimeConverter.class,
      description =
          "Earliest event time to train on (ISO-8601 instant or date, inclusive); with --rows,"
              + " of the rows.")
  Instant from;

  @Option(
      names = "--to",
      paramLabel = "TIME",
      converter = TimeConverter.class,
      description = "Event time to stop at (ISO-8601 instant or date, exclusive).")
  Instant to;

  @Option(
      names = "--courses",
      paramLabel = "GLOB",
      description =
          "Courses to train on: comma-separated globs over course ids, e.g. '*-2013B' (with"
              + " --rows, of the rows).")
  String courses;

  @Option(
      names = "--risk-stream",
      defaultValue = StreamNames.RISK,
      paramLabel = "STREAM",
      description = "Stream holding the risk records (default: ${DEFAULT-VALUE}).")
  String riskStream;

  @Option(
      names = "--c",
      defaultValue = "1.0",
      paramLabel = "C",
      description =
          "Inverse L2 regularisation strength: larger fits the training rows more closely"
              + " (default: ${DEFAULT-VALUE}).")
  double c;

  @Option(
      names = "--features",
      split = ",",
      paramLabel = "NAME",
      description =
          "The model's features (default: those of the built-in model; 'all': every"
              + " feature in the records, context values such as courseDay included).")
  List<String> features;

  @Option(
      names = "--log1p",
      split = ",",
      paramLabel = "NAME",
      description =
          "Features to transform with sign(x)*ln(1+|x|) before standardising (long-tailed counts).")
  List<String> log1p = List.of();

  @Option(
      names = "--held-out",
      defaultValue = "0.2",
      paramLabel = "SHARE",
      description =
          "Share of students (by id hash) held out to measure the model (default:"
              + " ${DEFAULT-VALUE}).")
  double heldOut;

  @Option(
      names = "--name",
      paramLabel = "NAME",
      description =
          "Model name, part of its version (default: the model file's name without .json).")
  String name;

  @Option(
      names = "--export-rows",
      paramLabel = "FILE",
      description =
          "Also write the labelled rows as CSV (the format --rows reads), with every"
              + " feature of the records, before --features selects the model's.")
  Path exportRows;

  @Option(names = "--verbose", description = "Print stack traces of errors.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    Map<String, Transform> transforms = new LinkedHashMap<>();
    log1p.forEach(f -> transforms.put(f, Transform.LOG1P));
    ModelTrainer.Options options = new ModelTrainer.Options(modelName(), c, transforms, heldOut);
    TrainingSet.Window window = new TrainingSet.Window(from, to, courses);
    TrainingSet set = input.rows != null ? fromRows(window) : fromStream(window);
    if (exportRows != null) {
      FeatureCsv.write(exportRows, set);
    }
    set = ModelTrainer.modelFeatures(set, features);
    var out = spec.commandLine().getOut();
    // Before the fit: when it is refused (no rows, one class) the counts say why.
    out.print(TrainingReport.rows(set));
    out.flush();
    RiskModel fitted = ModelTrainer.fit(set, options);
    Path parent = model.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.write(model, ModelFileCodec.write(fitted.file()));
    out.print(TrainingReport.format(fitted));
    out.println("wrote " + model);
    out.flush();
    ProcessorModel.warnBeforeUse(fitted, "model file " + model, spec.commandLine().getErr()::println);
    return 0;
  }

  /** The rows of the --rows file within --from/--to/--courses. */
  private TrainingSet fromRows(TrainingSet.Window window) throws java.io.IOException {
    if (spec.commandLine().getParseResult().hasMatchedOption("--risk-stream")) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "--risk-stream goes with --outcomes (rows from the stream), not --rows (rows from a file)");
    }
    return FeatureCsv.read(input.rows).within(window);
  }

  private TrainingSet fromStream(TrainingSet.Window window) throws Exception {
    TrainingSet.Builder builder = TrainingSet.builder(OutcomesFile.read(input.outcomes), window);
    try (StreamLog streams = log.open(LogOptions.Broker.RABBITMQ)) {
      if (!streams.streamExists(riskStream)) {
        throw new IllegalArgumentException(
            "stream "
                + riskStream
                + " does not exist on "
                + streams.describe()
                + "; run 'process' (which writes it) first, or name another with --risk-stream");
      }
      long[] read = {0};
      StreamDump.forEach(
          streams,
          riskStream,
          body -> {
            read[0]++;
            try {
              builder.add(RiskScoreCodec.decode(body));
            } catch (IllegalArgumentException e) {
              throw new IllegalArgumentException(
                  "message "
                      + read[0]
                      + " of "
                      + riskStream
                      + " is not a risk record ("
                      + e.getMessage()
                      + "); is --risk-stream right?",
                  e);
            }
          });
    }
    return builder.build();
  }

  private String modelName() {
    if (name != null && !name.isBlank()) {
      return name.strip();
    }
    String file = model.getFileName().toString();
    return file.endsWith(".json") ? file.substring(0, file.length() - 5) : file;
  }

  /** An ISO-8601 instant, or a date meaning its start in UTC. */
  static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return value.contains("T")
            ? Instant.parse(value)
            : LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'"
                + value
                + "' is not an ISO-8601 instant (2013-02-04T00:00:00Z) or date (2013-02-04)");
      }
    }
  }
}
