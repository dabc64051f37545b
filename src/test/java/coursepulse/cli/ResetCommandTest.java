package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.OffsetSpec;
import coursepulse.io.embedded.EmbeddedStreamLog;
import coursepulse.lms.event.StreamNames;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reset} on the embedded log, after a term was produced and processed once: what it
 * refuses before touching anything, and where the next {@code process} starts.
 */
class ResetCommandTest {
  @TempDir static Path dir;

  static Path log;
  static Path state;

  record Run(int exit, String out, String err) {}

  static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = InProcess.run(out, err, args);
    return new Run(exit, out.toString(), err.toString());
  }

  static Run onLog(String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command, "--broker", "embedded", "--embedded-dir", log.toString()));
    all.addAll(Arrays.asList(args));
    return cli(all.toArray(new String[0]));
  }

  static Run process(String stateDir) {
    return onLog("process", "--state-dir", stateDir, "--stop-when-idle", "1", "--metrics-port", "0");
  }

  @BeforeAll
  static void produceAndProcessATerm() {
    log = dir.resolve("log");
    state = dir.resolve("state");
    Run produced = onLog("produce", "--students", "60", "--courses", "3", "--seed", "7", "--quiet");
    assertThat(produced.exit()).as(produced.err()).isZero();
    Run processed = process(state.toString());
    assertThat(processed.exit()).as(processed.err()).isZero();
  }

  private static Path copyOfState(String name) throws IOException {
    Path copy = dir.resolve(name);
    try (var files = Files.walk(state)) {
      for (Path p : files.toList()) {
        Path target = copy.resolve(state.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else if (!p.getFileName().toString().equals(".lock")) {
          Files.copy(p, target);
        }
      }
    }
    return copy;
  }

  private static List<String> checkpoints(Path appDir) throws IOException {
    try (var files = Files.list(appDir)) {
      return files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("checkpoint-")).toList();
    }
  }

  private static long messages(String stream) {
    try (EmbeddedStreamLog l = EmbeddedStreamLog.open(log)) {
      return l.stats(stream).map(s -> s.lastOffset() + 1).orElse(0L);
    }
  }

  /**
   * Reset to a mid-term point: the roster still starts at first, so the next run knows every
   * student and raises alerts, instead of refusing every event as not_enrolled (the reviewer's
   * 64,350 refusals and 0 alerts).
   */
  @Test
  void shouldKeepTheRosterWholeWhenResettingToMidTerm() throws Exception {
    Path s = copyOfState("mid-term");
    Run reset = onLog("reset", "-a", "coursepulse", "--state-dir", s.toString(), "--to", "event-time:2026-10-01");
    assertThat(reset.exit()).as(reset.err()).isZero();
    Map<String, OffsetSpec> marker = ResetMarker.read(s, "coursepulse");
    assertThat(marker.get(StreamNames.ENROLLMENT)).isEqualTo(OffsetSpec.offset(0));
    assertThat(marker.get(StreamNames.LOGIN)).isNotEqualTo(OffsetSpec.offset(0));

    long refusedBefore = messages("coursepulse-refused");
    Run again = process(s.toString());
    assertThat(again.exit()).as(again.err()).isZero();
    long refused = messages("coursepulse-refused") - refusedBefore;
    assertThat(refused).as("events refused by the run after the reset").isZero();
    assertThat(again.out().lines().count()).as("alerts of the run after the reset").isPositive();
    assertThat(reset.out()).contains("(the roster, read whole: --to-offsets 01-Enrollment=POSITION moves it)");
  }

  /** Moving the roster explicitly is allowed, with replay's note of what it costs. */
  @Test
  void shouldSayWhatItCostsWhenTheRosterIsMovedExplicitly() throws Exception {
    Path s = copyOfState("roster-moved");
    Run reset = onLog("reset", "-a", "coursepulse", "--state-dir", s.toString(), "--to", "first",
        "--to-offsets", "01-Enrollment=offset:5", "--dry-run");
    assertThat(reset.exit()).as(reset.err()).isZero();
    assertThat(reset.err())
        .contains("01-Enrollment (the roster) starts after its first offset")
        .contains("unknown to the next 'process' run")
        .contains("Leave 01-Enrollment out of --to-offsets");
  }

  @Test
  void shouldRefuseToOffsetsThatNameNoInputAndKeepTheCheckpoints() throws Exception {
    Path s = copyOfState("typo");
    for (String typo : new String[] {"02-login=offset:5", "04-Alerts=first"}) {
      Run reset = onLog("reset", "-a", "coursepulse", "--state-dir", s.toString(), "--to", "first",
          "--to-offsets", typo);
      assertThat(reset.exit()).as(typo).isNotZero();
      assertThat(reset.err())
          .contains("--to-offsets names '" + typo.substring(0, typo.indexOf('=')) + "', which is not an input stream")
          .contains("01-Enrollment, 02-Login, 03-Activity");
      assertThat(checkpoints(s.resolve("coursepulse"))).as(typo).isNotEmpty();
      assertThat(ResetMarker.file(s, "coursepulse")).doesNotExist();
    }
    assertThat(onLog("reset", "-a", "coursepulse", "--state-dir", s.toString(), "--to", "first",
        "--to-offsets", "02-login=first").err()).contains("did you mean 02-Login?");
  }

  @Test
  void shouldRefuseAnInstanceTimeoutShorterThanThreeHeartbeats() throws Exception {
    Path s = copyOfState("timeout");
    for (String timeout : new String[] {"0s", "5s", "5999ms"}) {
      Run reset = onLog("reset", "-a", "coursepulse", "--state-dir", s.toString(), "--to", "first",
          "--instance-timeout", timeout);
      assertThat(reset.exit()).as(timeout).isEqualTo(2);
      assertThat(reset.err()).contains("--instance-timeout must be at least 6.0 s (three of the 2 s heartbeats)");
      assertThat(checkpoints(s.resolve("coursepulse"))).isNotEmpty();
    }
    Run six = onLog("reset", "-a", "coursepulse", "--state-dir", s.toString(), "--to", "first",
        "--instance-timeout", "6s");
    assertThat(six.exit()).as(six.err()).isZero();
    assertThat(checkpoints(s.resolve("coursepulse"))).isEmpty();
  }

  @Test
  void shouldRefuseAnApplicationIdThatLeavesTheStateDirectory() throws Exception {
    Path s = dir.resolve("escape").resolve("state");
    Files.createDirectories(s);
    Path victim = dir.resolve("escape").resolve("victim");
    Files.createDirectories(victim);
    Files.writeString(victim.resolve("checkpoint-00000000000000000001.bin"), "not yours");
    for (String id : new String[] {"../victim", "..", "a/b"}) {
      Run reset = onLog("reset", "-a", id, "--state-dir", s.toString(), "--to", "first", "--force");
      assertThat(reset.exit()).as(id).isEqualTo(2);
      assertThat(reset.err()).contains("--application-id: applicationId is required and may contain only");
    }
    assertThat(victim.resolve("checkpoint-00000000000000000001.bin")).exists();
    try (var files = Files.list(victim)) {
      assertThat(files.map(p -> p.getFileName().toString()).toList())
          .containsExactly("checkpoint-00000000000000000001.bin");
    }
    try (var files = Files.list(s.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).containsExactly("state", "victim");
    }
  }

  @Test
  void shouldRefuseAnApplicationIdNeverSeenUnlessForced() throws Exception {
    Path s = copyOfState("unknown");
    Run reset = onLog("reset", "-a", "nosuchapp", "--state-dir", s.toString(), "--to", "first");
    assertThat(reset.exit()).isEqualTo(2);
    assertThat(reset.err())
        .contains("no application 'nosuchapp' is known here")
        .contains("add --force");
    assertThat(s.resolve("nosuchapp")).doesNotExist();
    try (EmbeddedStreamLog l = EmbeddedStreamLog.open(log)) {
      assertThat(l.streamExists("nosuchapp-instances")).isFalse();
    }

    Run forced = onLog("reset", "-a", "nosuchapp", "--state-dir", s.toString(), "--to", "event-time:2026-10-01", "--force");
    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(ResetMarker.file(s, "nosuchapp")).exists();
    // Known from now on: its state directory and stored offsets exist.
    Run again = onLog("reset", "-a", "nosuchapp", "--state-dir", s.toString(), "--to", "first", "--dry-run");
    assertThat(again.exit()).as(again.err()).isZero();
  }

  @Test
  void shouldRefuseAMissingEmbeddedLogWithoutCreatingIt() {
    Path typo = dir.resolve("typo-dir");
    Run reset = cli("reset", "--broker", "embedded", "--embedded-dir", typo.toString(),
        "-a", "coursepulse", "--state-dir", dir.resolve("typo-state").toString(), "--to", "first");
    assertThat(reset.exit()).isNotZero();
    assertThat(reset.err())
        .contains("there is no embedded log in " + typo.toAbsolutePath())
        .contains("Check --embedded-dir");
    Run streams = cli("streams", "--broker", "embedded", "--embedded-dir", typo.toString());
    assertThat(streams.exit()).isNotZero();
    assertThat(streams.err()).contains("there is no embedded log in " + typo.toAbsolutePath());
    assertThat(typo).doesNotExist();
  }

  /**
   * After {@code reset --to first} the stored offsets still say "nothing left" (RabbitMQ cannot
   * store "nothing processed"); {@code streams} shows where the next run really starts, and lists
   * the streams refused events and risk records go to.
   */
  @Test
  void shouldListWhereTheNextRunStartsAfterAResetAndEveryProductStream() throws Exception {
    Path s = copyOfState("listing");
    Run before = onLog("streams", "--state-dir", s.toString());
    assertThat(before.exit()).as(before.err()).isZero();
    assertThat(before.out())
        .contains("05-Risk")
        .contains("coursepulse-refused")
        .doesNotContain("reset to");
    long logins = messages(StreamNames.LOGIN);

    assertThat(onLog("reset", "-a", "coursepulse", "--state-dir", s.toString(), "--to", "first").exit()).isZero();
    Run after = onLog("streams", "--state-dir", s.toString());
    String loginRow = after.out().lines().filter(l -> l.startsWith(StreamNames.LOGIN)).findFirst().orElseThrow();
    assertThat(loginRow)
        .contains("coursepulse reset to 0 (stored @" + (logins - 1) + " is overridden by its reset-offsets.properties)")
        .contains("(lag " + logins + " msgs");
  }
}
