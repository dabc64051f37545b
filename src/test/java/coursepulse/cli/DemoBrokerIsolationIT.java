package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code demo} never writes a simulated term into a broker configured for real work (issue 20):
 * with a RabbitMQ URI given but no explicit {@code --broker rabbitmq} it runs on the embedded log
 * and says so; with {@code --broker rabbitmq} it runs on {@code coursepulse-demo-*} streams and
 * leaves the real {@code 01..04} streams alone. The class has a fresh virtual host, so "nothing
 * declared" is exact.
 */
@ExtendWith(RabbitMqExtension.class)
class DemoBrokerIsolationIT {

  @Test
  void shouldStayOffTheRealStreamsOfAConfiguredBroker(RabbitVhost vhost) {
    StringWriter err = new StringWriter();

    // A URI is configured (as COURSEPULSE_RABBITMQ_URI in a shell would): the embedded log.
    int code = InProcess.run(err, demo("--uri", vhost.uri()));

    assertThat(code).as(err.toString()).isZero();
    assertThat(err.toString()).contains("the demo runs on the embedded log");
    try (RabbitStreamLog log = vhost.openLog()) {
      for (String stream : StreamNames.ALL) {
        assertThat(log.streamExists(stream)).as("%s written by the demo", stream).isFalse();
        assertThat(log.streamExists(DemoCommand.RABBITMQ_PREFIX + stream))
            .as("%s%s declared without --broker rabbitmq", DemoCommand.RABBITMQ_PREFIX, stream)
            .isFalse();
      }
    }

    // Asked for explicitly: on that broker, but on streams of its own.
    StringWriter explicitErr = new StringWriter();
    code = InProcess.run(explicitErr, demo("--broker", "rabbitmq", "--uri", vhost.uri()));

    assertThat(code).as(explicitErr.toString()).isZero();
    assertThat(explicitErr.toString()).doesNotContain("the demo runs on the embedded log");
    try (RabbitStreamLog log = vhost.openLog()) {
      for (String stream : StreamNames.ALL) {
        assertThat(log.streamExists(stream)).as("%s written by the demo", stream).isFalse();
      }
      for (String input : StreamNames.INPUTS) {
        String own = DemoCommand.RABBITMQ_PREFIX + input;
        assertThat(log.streamExists(own)).as("%s", own).isTrue();
        assertThat(log.stats(own).orElseThrow().lastOffset())
            .as("last offset of %s", own)
            .isPositive();
      }
    }
  }

  /**
   * The coursepulse-demo-* streams holding another simulation are refused with how to start
   * over: before, a run with another --seed added its events to the first run's and scored both
   * runs' alerts against its own ground truth (precision 0.45 instead of 0.73, without a word).
   */
  @Test
  void shouldRefuseDemoStreamsOfAnotherSimulation(RabbitVhost vhost) {
    StringWriter first = new StringWriter();
    assertThat(InProcess.run(first, demo("--broker", "rabbitmq", "--uri", vhost.uri())))
        .as(first.toString()).isZero();
    String enrolment = DemoCommand.RABBITMQ_PREFIX + StreamNames.ENROLLMENT;
    long last;
    try (RabbitStreamLog log = vhost.openLog()) {
      last = log.stats(enrolment).orElseThrow().lastOffset();
    }

    StringWriter other = new StringWriter();
    int code =
        InProcess.run(other, demo("--broker", "rabbitmq", "--uri", vhost.uri(), "--seed", "7"));

    assertThat(code).as(other.toString()).isNotZero();
    assertThat(other.toString())
        .contains("holds another simulation (other --seed, --students or --courses)")
        .contains("delete the streams " + DemoCommand.RABBITMQ_PREFIX + "01-Enrollment");
    try (RabbitStreamLog log = vhost.openLog()) {
      assertThat(log.stats(enrolment).orElseThrow().lastOffset()).isEqualTo(last);
    }
  }

  /** A small, fast term; no web pages (no database) and no metrics port to collide on. */
  private static String[] demo(String... broker) {
    String[] fixed = {
      "demo", "--students", "30", "--courses", "2", "--speed", "max", "--quiet",
      "--jdbc-url=", "--metrics-port", "0"
    };
    String[] args = new String[fixed.length + broker.length];
    System.arraycopy(fixed, 0, args, 0, fixed.length);
    System.arraycopy(broker, 0, args, fixed.length, broker.length);
    return args;
  }
}
