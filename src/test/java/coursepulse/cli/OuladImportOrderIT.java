package coursepulse.cli;

import static org.assertj.core.api.Assertions.assertThat;


import coursepulse.io.rabbit.RabbitStreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.lms.oulad.OuladFixture;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code import oulad} onto RabbitMQ streams that hold another import: refused before anything is
 * appended (its own class, so its own virtual host).
 */
@ExtendWith(RabbitMqExtension.class)
class OuladImportOrderIT {

  /** The reviewer's AAA-then-GGG repro, on RabbitMQ: the second selection is refused whole. */
  @Test
  void shouldRefuseALaterSelectionThatStartsBeforeTheNewestEventOfTheStreams(RabbitVhost vhost, @TempDir Path dir)
      throws Exception {
    Path oulad = OuladFixture.write(dir.resolve("oulad"), OuladFixture.Layout.PER_PRESENTATION);
    StringWriter first = new StringWriter();
    assertThat(InProcess.run(first, "import", "oulad", "--dir", oulad.toString(), "--uri", vhost.uri(), "--presentations", "AAA-2013J"))
        .as(first.toString()).isZero();
    Map<String, Integer> before = new java.util.HashMap<>();
    try (RabbitStreamLog log = vhost.openLog()) {
      for (String stream : StreamNames.INPUTS) {
        before.put(stream, StreamDump.bodies(log, stream).size());
      }
    }
    assertThat(before.values()).allMatch(n -> n > 0);
    StringWriter second = new StringWriter();
    assertThat(InProcess.run(second, "import", "oulad", "--dir", oulad.toString(), "--uri", vhost.uri(), "--presentations", "BBB-2013J"))
        .isNotZero();
    assertThat(second.toString())
        .contains("03-Activity already holds events up to 2013-10-29T12:00:00Z from another feed")
        .contains("starts at 2013-09-27T00:00:00Z")
        .contains("Import every presentation you want in one run, into an empty log");
    try (RabbitStreamLog log = vhost.openLog()) {
      for (String stream : StreamNames.INPUTS) {
        assertThat(StreamDump.bodies(log, stream)).as(stream + ": nothing appended").hasSize(before.get(stream));
      }
    }
  }
}
