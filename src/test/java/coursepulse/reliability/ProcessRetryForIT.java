package coursepulse.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import coursepulse.engine.log.StreamLog;
import coursepulse.lms.event.StreamNames;
import coursepulse.testing.RabbitMqExtension;
import coursepulse.testing.RabbitVhost;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code process} started while nothing listens on the broker's port waits ({@code --retry-for})
 * and runs once the port opens, instead of exiting. The "broker coming up" is a TCP forwarder to
 * the real node opened on a free port while the process waits.
 */
@ExtendWith(RabbitMqExtension.class)
class ProcessRetryForIT {

  @TempDir Path tmp;

  @Test
  void shouldWaitForABrokerThatIsDownAtStartUp(RabbitVhost vhost) throws Exception {
    Path logFile = tmp.resolve("run.log");
    Cli.run(
        logFile, List.of(),
        List.of("produce", "--uri", vhost.uri(), "--quiet", "--students", "40", "--courses", "2",
            "--days", "28", "--seed", "7"));
    java.net.URI real = java.net.URI.create(vhost.uri());
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String downUri = vhost.uri().replace(":" + real.getPort() + "/", ":" + port + "/");
    assertThat(downUri).isNotEqualTo(vhost.uri());

    Process p =
        Cli.start(logFile, List.of(),
            Cli.process(downUri, tmp.resolve("state"), "--stop-when-idle", "2",
                "--retry-for", "3m"));
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (!Files.readString(logFile, StandardCharsets.UTF_8).contains("retrying in")) {
        assertThat(p.isAlive()).as("process exited instead of waiting: %s", Cli.tail(logFile))
            .isTrue();
        assertThat(System.nanoTime() - deadline).as(Cli.tail(logFile)).isNegative();
        Thread.sleep(100);
      }
      assertThat(p.isAlive()).isTrue();
      try (Forwarder broker = new Forwarder(port, real.getHost(), real.getPort())) {
        Cli.awaitSuccess(p, logFile);
      }
    } finally {
      p.destroyForcibly();
    }
    try (StreamLog log = vhost.openLog()) {
      assertThat(Cli.count(log, StreamNames.ALERTS)).isPositive();
    }
  }

  /** Forwards every connection on a local port to a target, both ways, until closed. */
  private static final class Forwarder implements AutoCloseable {
    private final ServerSocket server;

    Forwarder(int port, String host, int targetPort) throws IOException {
      server = new ServerSocket();
      server.setReuseAddress(true);
      server.bind(new InetSocketAddress("127.0.0.1", port));
      Thread accept =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket in = server.accept();
                    Socket out = new Socket(host, targetPort);
                    pump(in, out);
                    pump(out, in);
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "forwarder");
      accept.setDaemon(true);
      accept.start();
    }

    private static void pump(Socket from, Socket to) {
      Thread t =
          new Thread(
              () -> {
                try (InputStream i = from.getInputStream();
                    OutputStream o = to.getOutputStream()) {
                  i.transferTo(o);
                } catch (IOException e) {
                  // one side closed
                } finally {
                  try {
                    from.close();
                    to.close();
                  } catch (IOException ignored) {
                    // closing
                  }
                }
              },
              "forwarder-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
