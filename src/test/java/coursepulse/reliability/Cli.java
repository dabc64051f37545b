package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.LogMessage;
import coursepulse.engine.log.LogReader;
import coursepulse.engine.log.OffsetSpec;
import coursepulse.engine.log.StreamLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Runs {@code coursepulse} commands as child JVMs, the way an operator does, so that a test can
 * kill them with SIGKILL ({@link Process#destroyForcibly()}) or stop them with SIGTERM ({@link
 * Process#destroy()}); and reads streams back. The child uses the shaded jar when Failsafe passes
 * {@code COURSEPULSE_JAR}, else the test class path.
 */
final class Cli {
  /** The simulated semester every reliability test uses: small, full term, seeded. */
  static final List<String> SEMESTER =
      List.of("--students", "250", "--courses", "5", "--seed", "42");

  static final Duration DEADLINE = Duration.ofMinutes(6);

  private Cli() {}

  /** Starts {@code coursepulse <args>} with stdout and stderr appended to {@code logFile}. */
  static Process start(Path logFile, List<String> jvmOptions, List<String> args)
      throws IOException {
    return start(logFile, jvmOptions, args, java.util.Map.of());
  }

  /** As {@link #start(Path, List, List)}, with extra environment variables. */
  static Process start(
      Path logFile, List<String> jvmOptions, List<String> args, java.util.Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(classPath());
    command.add("coursepulse.cli.Main");
    command.addAll(args);
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    Files.writeString(
        logFile,
        "---- " + String.join(" ", args.subList(0, 1)) + "\n",
        StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Runs a command to its end and asserts it exited 0. */
  static void run(Path logFile, List<String> jvmOptions, List<String> args) throws Exception {
    Process p = start(logFile, jvmOptions, args);
    awaitSuccess(p, logFile);
  }

  /** Waits for a started command and asserts it exited 0. */
  static void awaitSuccess(Process p, Path logFile) throws Exception {
    if (!p.waitFor(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("command did not finish in " + DEADLINE + ": " + tail(logFile));
    }
    assertThat(p.exitValue()).as("exit code; output:%n%s", tail(logFile)).isZero();
  }

  static List<String> produce(String uri, String... extra) {
    List<String> args = new ArrayList<>(List.of("produce", "--uri", uri, "--quiet", "--metrics-port", "0"));
    args.addAll(SEMESTER);
    args.addAll(List.of(extra));
    return args;
  }

  static List<String> process(String uri, Path stateDir, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "process", "--uri", uri, "--state-dir", stateDir.toString(),
                "--checkpoint-interval", "1s", "--quiet", "--metrics-port", "0",
                "--rules", perStudentRules().toString()));
    args.addAll(List.of(extra));
    return args;
  }

  /**
   * The rules these tests run: the four original per-student rules, the risk score off. The
   * faults tested here (kills, scale-out, backlogs) are about the engine's guarantees; the risk
   * score ranks a student within the course's cohort, and with partitioned inputs a task sees only
   * its partition's share of a class, so a scale-out run cannot equal a single instance on it.
   */
  static synchronized Path perStudentRules() {
    try {
      Path file = Path.of(System.getProperty("java.io.tmpdir"), "coursepulse-reliability-rules.yaml");
      Files.writeString(file, """
          version: "reliability-1"
          loginInactive: { enabled: true }
          noSubmissions: { enabled: true }
          missedDeadlines: { enabled: true }
          activityDrop: { enabled: true }
          riskScore: { enabled: false }
          """);
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static String classPath() {
    String jar = System.getenv("COURSEPULSE_JAR");
    if (jar != null && Files.isRegularFile(Path.of(jar))) {
      return jar;
    }
    return System.getProperty("java.class.path");
  }

  /** The last 3,000 characters of a log file. */
  static String tail(Path logFile) {
    try {
      String s = Files.readString(logFile);
      return s.substring(Math.max(0, s.length() - 3_000));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /** Every message of a stream as UTF-8 text, in offset order. */
  static List<String> readAll(StreamLog log, String stream) {
    long expected = count(log, stream);
    List<String> out = new ArrayList<>();
    if (!log.streamExists(stream)) {
      return out;
    }
    try (LogReader r = log.reader(stream, OffsetSpec.first())) {
      LogMessage m;
      // Stop after a quiet poll once at least what stats() reported was read.
      while ((m = r.poll(out.size() < expected ? Duration.ofSeconds(30) : Duration.ofSeconds(2)))
          != null) {
        out.add(new String(m.body(), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  /** Messages in a stream (0 when it does not exist). */
  static long count(StreamLog log, String stream) {
    return log.streamExists(stream)
        ? log.stats(stream).map(s -> s.lastOffset() + 1).orElse(0L)
        : 0L;
  }

  /** Polls until {@code value} reaches {@code target}; fails when the process exits first. */
  static long await(LongSupplier value, long target, Process p, Path logFile)
      throws InterruptedException {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (true) {
      long n = value.getAsLong();
      if (n >= target) {
        return n;
      }
      if (!p.isAlive() || System.nanoTime() > deadline) {
        String why =
            p.isAlive() ? "too slow (" + threadDump(p, logFile) + ")" : "exited " + p.exitValue();
        throw new AssertionError(why + " at " + n + " of " + target + ": " + tail(logFile));
      }
      TimeUnit.MILLISECONDS.sleep(5); // polling interval, not a wait for an outcome
    }
  }

  /**
   * Writes the threads of a command that is too slow beside its log ({@code jcmd Thread.print}),
   * so a hang found by CI says where it waits; the test's directory is kept when it fails.
   */
  static String threadDump(Process p, Path logFile) {
    Path dump = logFile.resolveSibling(logFile.getFileName() + ".threads.txt");
    try {
      Process jcmd =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                  Long.toString(p.pid()), "Thread.print")
              .redirectErrorStream(true)
              .redirectOutput(dump.toFile())
              .start();
      return jcmd.waitFor(30, TimeUnit.SECONDS) ? "threads in " + dump : "jcmd did not finish";
    } catch (IOException e) {
      return "no thread dump: " + e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "no thread dump: interrupted";
    }
  }

  /** {@code value}, or -1 while the log cannot answer (a broker restarting, a leader moving). */
  static long available(LongSupplier value) {
    try {
      return value.getAsLong();
    } catch (coursepulse.engine.log.LogException e) {
      return -1;
    }
  }

  /** Messages in the three input streams together. */
  static long inputs(StreamLog log) {
    long n = 0;
    for (String s : coursepulse.lms.event.StreamNames.INPUTS) {
      n += count(log, s);
    }
    return n;
  }
}
