package coursepulse.cli;

import coursepulse.engine.log.StreamLog;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Locale;
import picocli.CommandLine;

/**
 * The {@code replay} row of {@code bench}: the {@code replay} command itself ({@link
 * ReplayCommand}, defaults: from {@code first} to the end of each input, fresh state, alerts only
 * counted, no progress output) over the inputs the {@code processor} row reads, on the log the
 * bench phases share. The time is the whole command as a user waits for it: range resolution,
 * engine start, processing, close.
 */
final class ReplayBench {

  private ReplayBench() {}

  /**
   * Replays every input of {@code streams} under {@code applicationId} with checkpoints in {@code
   * stateDir} and returns the nanoseconds it took.
   *
   * @param expected events the replay must report; anything else fails the phase
   * @throws IllegalStateException when the command fails or replays another number of events
   */
  static long replayAll(StreamLog streams, Path stateDir, String applicationId, long expected)
      throws InterruptedException {
    ReplayCommand replay = new ReplayCommand();
    CommandLine command = new CommandLine(replay);
    StringWriter output = new StringWriter();
    command.setOut(new PrintWriter(output, true));
    command.setErr(new PrintWriter(output, true));
    command.parseArgs(
        "--progress", "none", "--application-id", applicationId, "--state-dir", stateDir.toString());
    long start = System.nanoTime();
    int exit;
    try {
      exit = replay.run(streams);
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("replay phase failed: " + e.getMessage() + "\n" + output, e);
    }
    long nanos = System.nanoTime() - start;
    String done = String.format(Locale.ROOT, "replayed %,d events", expected);
    if (exit != 0 || !output.toString().contains(done)) {
      throw new IllegalStateException(
          "replay phase: expected '" + done + "', exit " + exit + ":\n" + output);
    }
    return nanos;
  }
}
